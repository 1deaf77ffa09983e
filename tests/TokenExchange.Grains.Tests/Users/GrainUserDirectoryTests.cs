using TokenExchange.Definitions;
using TokenExchange.Grains.Users;
using static TokenExchange.Grains.Tests.TestDefinitions;

namespace TokenExchange.Grains.Tests.Users;

[Collection(ClusterCollection.Name)]
public sealed class GrainUserDirectoryTests(ClusterFixture cluster)
{
    private GrainUserDirectory Directory => cluster.Service<GrainUserDirectory>(0);

    [Fact]
    public async Task Creating_a_user_with_a_taken_email_fails_and_claims_none_of_its_attributes()
    {
        var email = Unique("owner") + "@example.com";
        Assert.Null(await Directory.PutAsync(new UserRecord { Id = Unique("u-owner"), Email = email }));
        var late = new UserRecord { Id = Unique("u-late"), FederationId = Unique("fed"), Username = Unique("name"), Email = email.ToUpperInvariant() };

        var link = new ExternalIdentity("partner", Idp.Issuer, Unique("sub"));

        var (created, conflict) = await Directory.CreateAsync(late, link);

        Assert.Null(created);
        Assert.Contains("Email", conflict, StringComparison.Ordinal);
        Assert.Null(await Directory.FindLinkedAsync(link));
        Assert.Null(await Directory.FindIdAsync(UserAttribute.FederationId, late.FederationId!));
        Assert.Null(await Directory.FindIdAsync(UserAttribute.Username, late.Username!));
        Assert.Null(await Directory.GetAsync(late.Id));
    }

    [Fact]
    public async Task Updating_a_user_to_a_taken_email_keeps_its_old_attributes_and_releases_the_new_ones()
    {
        var email = Unique("owner") + "@example.com";
        Assert.Null(await Directory.PutAsync(new UserRecord { Id = Unique("u-owner"), Email = email }));
        var user = new UserRecord { Id = Unique("u-user"), FederationId = Unique("fed"), Username = Unique("name") };
        Assert.Null(await Directory.PutAsync(user));

        var conflict = await Directory.PutAsync(user with { Username = Unique("renamed"), Email = email });

        Assert.NotNull(conflict);
        Assert.Equal(user, await Directory.GetAsync(user.Id));
        Assert.Equal(user.Id, await Directory.FindIdAsync(UserAttribute.FederationId, user.FederationId!));
        Assert.Equal(user.Id, await Directory.FindIdAsync(UserAttribute.Username, user.Username!));
    }

    [Fact]
    public async Task Creating_a_user_whose_id_exists_fails_without_releasing_the_existing_users_attributes()
    {
        var existing = new UserRecord { Id = Unique("u-existing"), FederationId = Unique("fed") };
        Assert.Null(await Directory.PutAsync(existing));

        var (created, conflict) = await Directory.CreateAsync(existing, new ExternalIdentity("partner", Idp.Issuer, Unique("sub")));

        Assert.Null(created);
        Assert.NotNull(conflict);
        Assert.Equal(existing, await Directory.GetAsync(existing.Id));
        // The existing user must still be found by its federation id.
        Assert.Equal(existing.Id, await Directory.FindIdAsync(UserAttribute.FederationId, existing.FederationId!));
    }
}
