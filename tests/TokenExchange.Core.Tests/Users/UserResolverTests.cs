using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Grains;
using TokenExchange.Handlers;
using TokenExchange.Users;

namespace TokenExchange.Core.Tests.Users;

public sealed class UserResolverTests
{
    private static readonly UserRecord Alice = new() { Id = "u-alice", Username = "alice@example.com", Email = "alice@example.com", FederationId = "alice-ext-1" };
    private static readonly UserRecord Disabled = new() { Id = "u-dora", FederationId = "dora-ext-1", Enabled = false };

    private readonly InMemoryUserDirectory directory = new(Alice, Disabled);

    private static OAuthError AssertInvalidGrant(UserResolution resolution)
    {
        Assert.Null(resolution.User);
        Assert.False(resolution.Created);
        var error = Assert.IsType<OAuthError>(resolution.Error);
        Assert.Equal(OAuthErrorCodes.InvalidGrant, error.Code);
        return error;
    }

    [Fact]
    public async Task An_existing_user_named_by_the_handler_is_the_user()
    {
        var resolution = await UserResolver.FromMappingAsync(directory, UserMappingResult.Existing("u-alice"), allowUserCreation: true);

        Assert.Equal(Alice, resolution.User);
        Assert.False(resolution.Created);
        Assert.Empty(directory.Created);
    }

    [Fact]
    public async Task A_named_user_that_does_not_exist_is_invalid_grant() =>
        AssertInvalidGrant(await UserResolver.FromMappingAsync(directory, UserMappingResult.Existing("u-ghost"), allowUserCreation: true));

    [Fact]
    public async Task A_disabled_user_is_invalid_grant()
    {
        var error = AssertInvalidGrant(await UserResolver.FromMappingAsync(directory, UserMappingResult.Existing("u-dora"), allowUserCreation: true));

        Assert.Equal("the user is disabled", error.Description);
    }

    [Fact]
    public async Task A_new_user_is_created_with_a_random_id_where_creation_is_allowed()
    {
        var resolution = await UserResolver.FromMappingAsync(directory, UserMappingResult.Create(new HandlerUserData("new@example.com", "new@example.com", "New", "new-ext")), allowUserCreation: true);

        Assert.True(resolution.Created);
        Assert.Matches("^u-[0-9a-f]{24}$", resolution.User!.Id);
        Assert.Equal("new-ext", resolution.User.FederationId);
        Assert.Equal("New", resolution.User.DisplayName);
        Assert.Single(directory.Created);
    }

    [Fact]
    public async Task A_new_user_is_refused_where_creation_is_not_allowed()
    {
        AssertInvalidGrant(await UserResolver.FromMappingAsync(directory, UserMappingResult.Create(new HandlerUserData(FederationId: "new-ext")), allowUserCreation: false));

        Assert.Empty(directory.Created);
    }

    [Fact]
    public async Task A_new_user_that_takes_another_users_attribute_is_refused()
    {
        AssertInvalidGrant(await UserResolver.FromMappingAsync(directory, UserMappingResult.Create(new HandlerUserData(FederationId: "alice-ext-1")), allowUserCreation: true));

        Assert.Empty(directory.Created);
    }

    [Fact]
    public async Task No_user_carries_the_handlers_message()
    {
        var error = AssertInvalidGrant(await UserResolver.FromMappingAsync(directory, UserMappingResult.None("partner account suspended"), allowUserCreation: true));

        Assert.Equal("partner account suspended", error.Description);
    }

    [Fact]
    public async Task A_known_user_id_skips_the_mapping()
    {
        Assert.Equal(Alice, (await UserResolver.FromKnownAsync(directory, "u-alice")).User);
        AssertInvalidGrant(await UserResolver.FromKnownAsync(directory, "u-dora"));
    }
}
