using TokenExchange.Configuration;
using TokenExchange.Silo.Admin;

namespace TokenExchange.Grains.Tests.Admin;

/// <summary>Admin authority is the server's own configuration: an admin cannot grant it to an app or user through apply.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AdminAuthorityApplyTests(ClusterFixture cluster)
{
    [Theory]
    [InlineData("ops-console", null)]
    [InlineData("ops-console", "u-admin")]
    public async Task Admin_clients_and_users_in_an_applied_document_are_refused(string client, string? user)
    {
        var document = new ClusterDefinitions([], [], []) { AdminTokenHolders = new AdminTokenHolders([client], user is null ? [] : [user]) };

        var refused = await Assert.ThrowsAsync<DefinitionAdminException>(() => cluster.Service<DefinitionAdmin>(0).ApplyAsync(document, prune: false, dryRun: false));

        Assert.Equal(AdminFailure.Invalid, refused.Failure);
        Assert.Equal(["admin clients and users are set in the server's configuration file, not applied"], refused.Problems);
    }
}
