using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Handlers;
using TokenExchange.Sessions;
using TokenExchange.Users;

namespace TokenExchange.Core.Tests.Users;

public sealed class UserResolverTests
{
    private static readonly UserRecord Alice = new() { Id = "u-alice", Username = "alice@example.com", Email = "alice@example.com", FederationId = "alice-ext-1" };
    private static readonly UserRecord Disabled = new() { Id = "u-dora", FederationId = "dora-ext-1", Enabled = false };

    private static readonly ExternalIdentity Identity = new("partner", "https://idp.partner.example", "ext-1");

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
        var resolution = await UserResolver.FromMappingAsync(directory, UserMappingResult.Existing("u-alice"), allowUserCreation: true, Identity);

        Assert.Equal(Alice, resolution.User);
        Assert.False(resolution.Created);
        Assert.Empty(directory.Created);
    }

    [Fact]
    public async Task A_named_user_that_does_not_exist_is_invalid_grant() =>
        AssertInvalidGrant(await UserResolver.FromMappingAsync(directory, UserMappingResult.Existing("u-ghost"), allowUserCreation: true, Identity));

    [Fact]
    public async Task A_disabled_user_is_invalid_grant()
    {
        var error = AssertInvalidGrant(await UserResolver.FromMappingAsync(directory, UserMappingResult.Existing("u-dora"), allowUserCreation: true, Identity));

        Assert.Equal("the user is disabled", error.Description);
    }

    [Fact]
    public async Task A_new_user_is_created_with_a_random_id_where_creation_is_allowed()
    {
        var resolution = await UserResolver.FromMappingAsync(directory, UserMappingResult.Create(new HandlerUserData("new@example.com", "new@example.com", "New", "new-ext")), allowUserCreation: true, Identity);

        Assert.True(resolution.Created);
        Assert.Matches("^u-[0-9a-f]{24}$", resolution.User!.Id);
        Assert.Equal("new-ext", resolution.User.FederationId);
        Assert.Equal("New", resolution.User.DisplayName);
        Assert.Single(directory.Created);
    }

    [Fact]
    public async Task A_new_user_is_refused_where_creation_is_not_allowed()
    {
        AssertInvalidGrant(await UserResolver.FromMappingAsync(directory, UserMappingResult.Create(new HandlerUserData(FederationId: "new-ext")), allowUserCreation: false, Identity));

        Assert.Empty(directory.Created);
    }

    [Fact]
    public async Task A_new_user_that_takes_another_users_attribute_is_refused()
    {
        AssertInvalidGrant(await UserResolver.FromMappingAsync(directory, UserMappingResult.Create(new HandlerUserData(FederationId: "alice-ext-1")), allowUserCreation: true, Identity));

        Assert.Empty(directory.Created);
    }

    [Fact]
    public async Task No_user_carries_the_handlers_message()
    {
        var error = AssertInvalidGrant(await UserResolver.FromMappingAsync(directory, UserMappingResult.None("partner account suspended"), allowUserCreation: true, Identity));

        Assert.Equal("partner account suspended", error.Description);
    }

    [Fact]
    public async Task An_existing_user_named_by_the_handler_is_linked_to_the_identity()
    {
        await UserResolver.FromMappingAsync(directory, UserMappingResult.Existing("u-alice"), allowUserCreation: true, Identity);

        Assert.Equal("u-alice", directory.Links[Identity]);
    }

    [Fact]
    public async Task An_existing_user_linked_to_another_identity_of_the_same_handler_is_refused()
    {
        await UserResolver.FromMappingAsync(directory, UserMappingResult.Existing("u-alice"), allowUserCreation: true, Identity);

        var error = AssertInvalidGrant(await UserResolver.FromMappingAsync(directory, UserMappingResult.Existing("u-alice"), allowUserCreation: true, Identity with { Subject = "ext-2" }));

        Assert.Equal("the user is already linked to another identity of this token handler", error.Description);
        Assert.False(directory.Links.ContainsKey(Identity with { Subject = "ext-2" }));
    }

    [Fact]
    public async Task An_existing_user_may_be_linked_by_another_handler_too()
    {
        await UserResolver.FromMappingAsync(directory, UserMappingResult.Existing("u-alice"), allowUserCreation: true, Identity);

        var second = await UserResolver.FromMappingAsync(directory, UserMappingResult.Existing("u-alice"), allowUserCreation: true, Identity with { Handler = "workforce" });

        Assert.Equal(Alice, second.User);
    }

    [Fact]
    public async Task A_created_user_is_linked_to_the_identity_it_was_created_for()
    {
        var resolution = await UserResolver.FromMappingAsync(directory, UserMappingResult.Create(new HandlerUserData()), allowUserCreation: true, Identity);

        Assert.Equal(resolution.User!.Id, directory.Links[Identity]);
    }

    [Theory]
    [InlineData("ali\u200bce")]
    [InlineData("al\u0456ce")]
    [InlineData("alice\u0007")]
    public async Task A_new_user_whose_username_cannot_be_a_key_is_refused(string escaped)
    {
        var username = System.Text.RegularExpressions.Regex.Unescape(escaped);

        var error = AssertInvalidGrant(await UserResolver.FromMappingAsync(directory, UserMappingResult.Create(new HandlerUserData(Username: username)), allowUserCreation: true, Identity));

        Assert.StartsWith("the subject token's username ", error.Description, StringComparison.Ordinal);
        Assert.Empty(directory.Created);
    }

    [Fact]
    public async Task A_known_user_id_skips_the_mapping()
    {
        Assert.Equal(Alice, (await UserResolver.FromKnownAsync(directory, "u-alice")).User);
        AssertInvalidGrant(await UserResolver.FromKnownAsync(directory, "u-dora"));
    }
}
