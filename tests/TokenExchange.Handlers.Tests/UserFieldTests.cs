namespace TokenExchange.Handlers.Tests;

/// <summary>
/// The attributes a handler may look users up by. A compiled handler holds these values as numbers, so a
/// handler built against one version of the SDK must find the same attribute under another: the numbers
/// are part of the contract and never change (new fields only get new numbers).
/// </summary>
public sealed class UserFieldTests
{
    [Fact]
    public void The_lookup_fields_keep_their_numbers()
    {
        Assert.Equal(0, (int)UserField.FederationId);
        Assert.Equal(1, (int)UserField.Username);
        Assert.Equal(2, (int)UserField.Email);
        Assert.Equal(3, Enum.GetValues<UserField>().Length);
    }
}
