using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Grains;
using TokenExchange.Users;

namespace TokenExchange.Core.Tests.Users;

public sealed class UserResolverTests
{
    private static readonly UserRecord Alice = new() { Id = "u-alice", Username = "alice@example.com", Email = "alice@example.com", FederationId = "alice-ext-1" };
    private static readonly UserRecord Disabled = new() { Id = "u-dora", FederationId = "dora-ext-1", Enabled = false };

    private readonly InMemoryUserDirectory directory = new(Alice, Disabled);

    private static UserLookup Lookup(string? value, bool allowCreation = false, UserAttribute attribute = UserAttribute.FederationId) => new()
    {
        Attribute = attribute,
        Value = value,
        AllowUserCreation = allowCreation,
        Candidate = value is null ? null : new UserRecord { Id = "", FederationId = value, Username = "new@example.com", DisplayName = "New User" },
    };

    private static OAuthError AssertInvalidGrant(UserResolution resolution)
    {
        Assert.Null(resolution.User);
        Assert.False(resolution.Created);
        var error = Assert.IsType<OAuthError>(resolution.Error);
        Assert.Equal(OAuthErrorCodes.InvalidGrant, error.Code);
        return error;
    }

    [Fact]
    public async Task Existing_user_is_found_by_the_mapping_attribute()
    {
        var resolution = await UserResolver.ResolveAsync(directory, Lookup("alice-ext-1"), knownUserId: null);

        Assert.Null(resolution.Error);
        Assert.Equal(Alice, resolution.User);
        Assert.False(resolution.Created);
    }

    [Fact]
    public async Task Existing_user_is_found_by_email()
    {
        var resolution = await UserResolver.ResolveAsync(directory, Lookup("alice@example.com", attribute: UserAttribute.Email), knownUserId: null);

        Assert.Equal("u-alice", resolution.User?.Id);
    }

    [Fact]
    public async Task Existing_user_is_not_created_again_even_where_creation_is_allowed()
    {
        var resolution = await UserResolver.ResolveAsync(directory, Lookup("alice-ext-1", allowCreation: true), knownUserId: null);

        Assert.Equal("u-alice", resolution.User?.Id);
        Assert.False(resolution.Created);
        Assert.Empty(directory.Created);
    }

    [Fact]
    public async Task Known_user_id_is_used_without_a_lookup()
    {
        var resolution = await UserResolver.ResolveAsync(directory, Lookup(null), knownUserId: "u-alice");

        Assert.Equal("u-alice", resolution.User?.Id);
    }

    [Fact]
    public async Task Known_user_id_that_no_longer_exists_is_invalid_grant()
    {
        AssertInvalidGrant(await UserResolver.ResolveAsync(directory, Lookup("alice-ext-1"), knownUserId: "u-deleted"));
    }

    [Fact]
    public async Task Unknown_user_is_created_where_creation_is_allowed()
    {
        var resolution = await UserResolver.ResolveAsync(directory, Lookup("bob-ext-1", allowCreation: true), knownUserId: null);

        Assert.Null(resolution.Error);
        Assert.True(resolution.Created);
        var created = Assert.Single(directory.Created);
        Assert.Equal(created, resolution.User);
        Assert.Equal("bob-ext-1", created.FederationId);
        Assert.Equal("New User", created.DisplayName);
        Assert.True(created.Enabled);
    }

    [Fact]
    public async Task Created_user_gets_a_random_id_that_reveals_nothing_of_the_subject()
    {
        var first = await UserResolver.ResolveAsync(directory, Lookup("bob-ext-1", allowCreation: true), knownUserId: null);
        var second = await UserResolver.ResolveAsync(new InMemoryUserDirectory(), Lookup("bob-ext-1", allowCreation: true), knownUserId: null);

        var id = first.User!.Id;
        Assert.StartsWith("u-", id, StringComparison.Ordinal);
        Assert.DoesNotContain("bob", id, StringComparison.Ordinal);
        Assert.NotEqual(id, second.User!.Id);
    }

    [Fact]
    public async Task Unknown_user_is_not_created_without_permission_and_is_invalid_grant()
    {
        AssertInvalidGrant(await UserResolver.ResolveAsync(directory, Lookup("bob-ext-1", allowCreation: false), knownUserId: null));

        Assert.Empty(directory.Created);
    }

    [Fact]
    public async Task Unknown_user_without_a_candidate_is_invalid_grant()
    {
        var lookup = Lookup("bob-ext-1", allowCreation: true) with { Candidate = null };

        AssertInvalidGrant(await UserResolver.ResolveAsync(directory, lookup, knownUserId: null));
        Assert.Empty(directory.Created);
    }

    [Fact]
    public async Task Missing_mapping_value_is_invalid_grant()
    {
        AssertInvalidGrant(await UserResolver.ResolveAsync(directory, Lookup(null, allowCreation: true), knownUserId: null));

        Assert.Empty(directory.Created);
    }

    [Fact]
    public async Task Creation_conflict_is_invalid_grant()
    {
        var lookup = Lookup("bob-ext-1", allowCreation: true) with
        {
            Candidate = new UserRecord { Id = "", FederationId = "bob-ext-1", Email = "alice@example.com" },
        };

        AssertInvalidGrant(await UserResolver.ResolveAsync(directory, lookup, knownUserId: null));
    }

    [Fact]
    public async Task Disabled_user_is_invalid_grant()
    {
        AssertInvalidGrant(await UserResolver.ResolveAsync(directory, Lookup("dora-ext-1"), knownUserId: null));
    }

    [Fact]
    public async Task Disabled_user_known_by_id_is_invalid_grant()
    {
        AssertInvalidGrant(await UserResolver.ResolveAsync(directory, Lookup(null), knownUserId: "u-dora"));
    }

    [Fact]
    public async Task Disabled_user_description_does_not_differ_by_being_known_or_looked_up()
    {
        var looked = AssertInvalidGrant(await UserResolver.ResolveAsync(directory, Lookup("dora-ext-1"), knownUserId: null));
        var known = AssertInvalidGrant(await UserResolver.ResolveAsync(directory, Lookup(null), knownUserId: "u-dora"));

        Assert.Equal(looked.Description, known.Description);
    }

    [Fact]
    public void NewUserId_is_random()
    {
        Assert.NotEqual(UserResolver.NewUserId(), UserResolver.NewUserId());
    }
}
