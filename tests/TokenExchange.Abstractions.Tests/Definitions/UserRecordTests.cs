using TokenExchange.Definitions;
using TokenExchange.Handlers;

namespace TokenExchange.Abstractions.Tests.Definitions;

public sealed class UserRecordTests
{
    [Fact]
    public void Get_reads_the_attribute_used_for_mapping()
    {
        var user = new UserRecord { Id = "u-1", Username = "a@x", Email = "b@x", FederationId = "fed-1" };

        Assert.Equal("fed-1", user.Get(UserField.FederationId));
        Assert.Equal("a@x", user.Get(UserField.Username));
        Assert.Equal("b@x", user.Get(UserField.Email));
    }
}
