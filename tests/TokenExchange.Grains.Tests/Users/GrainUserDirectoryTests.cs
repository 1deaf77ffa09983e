using TokenExchange.Definitions;
using TokenExchange.Grains.Users;
using TokenExchange.Handlers;
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
        Assert.Null(await Directory.FindIdAsync(UserField.FederationId, late.FederationId!));
        Assert.Null(await Directory.FindIdAsync(UserField.Username, late.Username!));
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
        Assert.Equal(user.Id, await Directory.FindIdAsync(UserField.FederationId, user.FederationId!));
        Assert.Equal(user.Id, await Directory.FindIdAsync(UserField.Username, user.Username!));
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
        Assert.Equal(existing.Id, await Directory.FindIdAsync(UserField.FederationId, existing.FederationId!));
    }

    [Theory]
    [InlineData("ali\u200Bce", "username contains an invisible control or format character (U+200B)")]
    [InlineData("p\u0430ypal", "username mixes scripts (Latin+Cyrillic) within one label")]
    public async Task Administration_refuses_a_username_that_cannot_be_a_key(string escaped, string problem)
    {
        var user = new UserRecord { Id = Unique("u-odd"), Username = System.Text.RegularExpressions.Regex.Unescape(escaped) };

        Assert.Equal(problem, await Directory.PutAsync(user));
        Assert.Null(await Directory.GetAsync(user.Id));
    }

    [Fact]
    public async Task Usernames_meet_on_their_canonical_key()
    {
        var user = new UserRecord { Id = Unique("u-jose"), Username = Unique("jos\u00E9") };
        Assert.Null(await Directory.PutAsync(user));

        var decomposedUpper = user.Username!.Normalize(System.Text.NormalizationForm.FormD).ToUpperInvariant();

        Assert.Equal(user.Id, await Directory.FindIdAsync(UserField.Username, decomposedUpper));
        Assert.Equal("Username is already used by another user", await Directory.PutAsync(new UserRecord { Id = Unique("u-other"), Username = decomposedUpper }));
    }
}
