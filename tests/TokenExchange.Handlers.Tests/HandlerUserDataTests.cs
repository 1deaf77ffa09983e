namespace TokenExchange.Handlers.Tests;

/// <summary>User attributes an IdP vouches for, and the directory's users as handlers see them: plain values.</summary>
public sealed class HandlerUserDataTests
{
    [Fact]
    public void Every_attribute_is_optional()
    {
        var none = new HandlerUserData();

        Assert.Null(none.Username);
        Assert.Null(none.Email);
        Assert.Null(none.DisplayName);
        Assert.Null(none.FederationId);
    }

    [Fact]
    public void Attributes_compare_by_value()
    {
        Assert.Equal(new HandlerUserData("alice", "alice@example.com", "Alice", "alice-ext-1"), new HandlerUserData(Username: "alice", Email: "alice@example.com", DisplayName: "Alice", FederationId: "alice-ext-1"));
        Assert.NotEqual(new HandlerUserData(Email: "alice@example.com"), new HandlerUserData(Email: "ALICE@example.com"));
    }

    [Fact]
    public void A_directory_user_compares_by_value_and_keeps_whether_it_is_enabled()
    {
        var alice = new HandlerUser("u-alice", "alice", "alice@example.com", "alice-ext-1", "Alice", Enabled: true);

        Assert.Equal(alice, new HandlerUser("u-alice", "alice", "alice@example.com", "alice-ext-1", "Alice", Enabled: true));
        Assert.NotEqual(alice, alice with { Enabled = false });
    }
}
