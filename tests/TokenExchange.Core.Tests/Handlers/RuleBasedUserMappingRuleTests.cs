using TokenExchange.Core.Handlers;
using TokenExchange.Core.Tests.Users;
using TokenExchange.Definitions;
using TokenExchange.Handlers;
using TokenExchange.Sessions;

namespace TokenExchange.Core.Tests.Handlers;

/// <summary>
/// <see cref="RuleBasedUserMapping"/> claim by claim: which values count as verified (sub always, email only with
/// email_verified, declared claims), that an empty claim is no value, and that linking to an existing user
/// follows the rule's attribute (issue 18).
/// </summary>
public sealed class RuleBasedUserMappingRuleTests
{
    private static readonly UserRecord Alice = new() { Id = "u-alice", Username = "alice", Email = "alice@example.com", FederationId = "alice-ext-1" };

    private readonly HandlerUserDirectory users = new(new InMemoryUserDirectory(Alice));

    private static SubjectUserRequest Request(string subject, Dictionary<string, string> claims, bool emailVerified = false) => new()
    {
        HandlerName = "partner",
        ClientId = "app",
        AllowUserCreation = true,
        Subject = new ValidatedSubject { Subject = subject, Issuer = "https://idp", Claims = claims, EmailVerified = emailVerified },
    };

    private async Task<UserMappingResult> Map(UserMappingRule rule, SubjectUserRequest request)
    {
        var (mapping, error) = await RuleBasedUserMapping.MapAsync(rule, request, users);
        Assert.Null(error);
        return Assert.IsType<UserMappingResult>(mapping);
    }

    [Fact]
    public async Task Sub_is_the_validated_subject_even_when_the_claims_lack_it()
    {
        var rule = new UserMappingRule { Claim = "sub", Attribute = UserField.FederationId, LinkExisting = true };

        var mapping = await Map(rule, Request("alice-ext-1", []));

        Assert.Equal("u-alice", mapping.UserId);
    }

    [Fact]
    public async Task Sub_is_the_validated_subject_not_a_sub_claim_that_differs()
    {
        var rule = new UserMappingRule { Claim = "sub", Attribute = UserField.FederationId, LinkExisting = true };

        Assert.Equal("u-alice", (await Map(rule, Request("alice-ext-1", new() { ["sub"] = "someone-else" }))).UserId);
        Assert.Null((await Map(rule, Request("someone-else", new() { ["sub"] = "alice-ext-1" }))).UserId);
    }

    [Theory]
    [InlineData(UserField.Email, "email", "alice@example.com")]
    [InlineData(UserField.Username, "preferred_username", "alice")]
    [InlineData(UserField.FederationId, "oid", "alice-ext-1")]
    public async Task A_verified_claim_links_to_the_user_with_that_attribute(UserField attribute, string claim, string value)
    {
        var rule = new UserMappingRule { Claim = claim, Attribute = attribute, LinkExisting = true, VerifiedClaims = [claim] };

        Assert.Equal("u-alice", (await Map(rule, Request("ext-9", new() { [claim] = value }))).UserId);
    }

    [Fact]
    public async Task A_claim_is_matched_against_the_rules_attribute_only()
    {
        // alice's username is "alice"; as a federation id nobody has it.
        var rule = new UserMappingRule { Claim = "preferred_username", Attribute = UserField.FederationId, LinkExisting = true, VerifiedClaims = ["preferred_username"] };

        Assert.Null((await Map(rule, Request("ext-9", new() { ["preferred_username"] = "alice" }))).UserId);
    }

    [Fact]
    public async Task An_email_links_only_when_the_idp_verified_it()
    {
        var rule = new UserMappingRule { Claim = "email", Attribute = UserField.Email, LinkExisting = true };
        var claims = new Dictionary<string, string> { ["email"] = "alice@example.com" };

        Assert.Equal("u-alice", (await Map(rule, Request("ext-9", claims, emailVerified: true))).UserId);
        Assert.Null((await Map(rule, Request("ext-9", claims, emailVerified: false))).UserId);
    }

    [Fact]
    public async Task Email_verified_vouches_for_the_email_claim_only()
    {
        var rule = new UserMappingRule { Claim = "preferred_username", Attribute = UserField.Username, LinkExisting = true };

        var mapping = await Map(rule, Request("ext-9", new() { ["preferred_username"] = "alice" }, emailVerified: true));

        Assert.Null(mapping.UserId);
    }

    [Fact]
    public async Task Without_link_existing_a_verified_match_is_not_linked()
    {
        var rule = new UserMappingRule { Claim = "sub", Attribute = UserField.FederationId, LinkExisting = false };

        var mapping = await Map(rule, Request("alice-ext-1", []));

        Assert.Null(mapping.UserId);
        Assert.NotNull(mapping.NewUser);
    }

    [Fact]
    public async Task A_created_user_takes_a_verified_email_and_the_declared_attributes()
    {
        var rule = new UserMappingRule { UserAttributes = new() { Username = "preferred_username", Email = "email", DisplayName = "name", FederationId = "oid" } };
        var claims = new Dictionary<string, string> { ["preferred_username"] = "bob", ["email"] = "bob@example.com", ["name"] = "Bob", ["oid"] = "bob-1", ["other"] = "x" };

        var created = (await Map(rule, Request("ext-9", claims, emailVerified: true))).NewUser;

        Assert.Equal(new HandlerUserData("bob", "bob@example.com", "Bob", "bob-1"), created);
    }

    [Fact]
    public async Task An_unverified_email_creates_no_user()
    {
        var rule = new UserMappingRule { UserAttributes = new() { Email = "email" } };

        var mapping = await Map(rule, Request("ext-9", new() { ["email"] = "bob@example.com" }, emailVerified: false));

        Assert.Null(mapping.NewUser);
        Assert.Null(mapping.UserId);
        Assert.Equal("the subject token's email is not verified by the identity provider, so no user can be created with it", mapping.ErrorMessage);
    }

    [Fact]
    public async Task Empty_claims_are_no_values()
    {
        // An empty email is no email (so its verification does not matter), and an empty claim sets no attribute.
        var rule = new UserMappingRule { UserAttributes = new() { Username = "preferred_username", Email = "email", DisplayName = "name" } };

        var created = (await Map(rule, Request("ext-9", new() { ["preferred_username"] = "", ["email"] = "", ["name"] = "" }, emailVerified: false))).NewUser;

        Assert.Equal(new HandlerUserData(null, null, null, null), created);
    }

    [Fact]
    public async Task An_empty_verified_claim_links_to_nobody()
    {
        var withEmpty = new UserRecord { Id = "u-empty", Username = "", FederationId = "empty-1" };
        var directory = new HandlerUserDirectory(new InMemoryUserDirectory(withEmpty));
        var rule = new UserMappingRule { Claim = "preferred_username", Attribute = UserField.Username, LinkExisting = true, VerifiedClaims = ["preferred_username"] };

        var (mapping, _) = await RuleBasedUserMapping.MapAsync(rule, Request("ext-9", new() { ["preferred_username"] = "" }), directory);

        Assert.Null(mapping!.UserId);
    }
}
