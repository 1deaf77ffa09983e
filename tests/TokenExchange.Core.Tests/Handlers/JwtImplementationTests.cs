using Microsoft.Extensions.Time.Testing;
using TokenExchange.Core.Handlers;
using TokenExchange.Core.Tests.Users;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Handlers;
using TokenExchange.Sessions;
using TokenExchange.Testing;

namespace TokenExchange.Core.Tests.Handlers;

/// <summary>The built-in jwt handler: what its validation hands on, and its rule-based user mapping.</summary>
public sealed class JwtImplementationTests
{
    private static readonly UserRecord Alice = new() { Id = "u-alice", Username = "alice@example.com", Email = "alice@example.com", FederationId = "alice-ext-1" };

    private readonly TestIdp idp = new();
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);
    private readonly HandlerUserDirectory users = new(new InMemoryUserDirectory(Alice));

    private JwtImplementation Implementation(UserMappingRule? rule = null) =>
        new(new JwtSubjectTokenValidator(idp.Issuer, [TestIdp.DefaultAudience], ["ES256"], TimeSpan.FromSeconds(30), new StaticKeySource([idp.EcKey]), time),
            rule ?? new UserMappingRule());

    private async Task<ValidatedSubject> Validate(JwtImplementation implementation, string subject, Dictionary<string, object>? claims = null)
    {
        var (validated, error) = await implementation.ValidateAsync(new AuthorizedExchange
        {
            App = new AppDefinition { ClientId = "app" },
            Enablement = new HandlerAppEnablement { ClientId = "app" },
            HandlerName = "h",
            SubjectToken = idp.Token(subject, now: time.GetUtcNow(), claims: claims),
            SubjectTokenType = TokenTypes.Jwt,
            RequestedTokenType = TokenTypes.AccessToken,
        }, CancellationToken.None);
        Assert.Null(error);
        return validated!;
    }

    private Task<(UserMappingResult? Mapping, OAuthError? Error)> Map(JwtImplementation implementation, ValidatedSubject subject) =>
        implementation.MapUserAsync(new SubjectUserRequest { HandlerName = "h", ClientId = "app", AllowUserCreation = true, Subject = subject }, users, CancellationToken.None);

    [Fact]
    public async Task Validation_hands_on_the_subject_issuer_claims_and_expiry()
    {
        var subject = await Validate(Implementation(), "alice-ext-1", new() { ["name"] = "Alice", ["preferred_username"] = "alice" });

        Assert.Equal("alice-ext-1", subject.Subject);
        Assert.Equal(idp.Issuer, subject.Issuer);
        Assert.Equal("Alice", subject.DisplayName);
        Assert.Equal("alice", subject.Username);
        Assert.NotNull(subject.ExpiresAt);
    }

    [Fact]
    public async Task An_email_counts_only_when_verified()
    {
        var unverified = await Validate(Implementation(), "x", new() { ["email"] = "x@example.com" });
        var verified = await Validate(Implementation(), "y", new() { ["email"] = "y@example.com", ["email_verified"] = true });

        Assert.Null(unverified.Email);
        Assert.Equal("y@example.com", verified.Email);
    }

    [Fact]
    public async Task The_mapping_claim_finds_an_existing_user_where_the_rule_links_existing_users()
    {
        var implementation = Implementation(new UserMappingRule { LinkExisting = true });

        var (mapping, _) = await Map(implementation, await Validate(implementation, "alice-ext-1"));

        Assert.Equal("u-alice", mapping!.UserId);
    }

    [Fact]
    public async Task Without_link_existing_a_matching_claim_describes_a_new_user_instead()
    {
        var implementation = Implementation(new UserMappingRule());

        var (mapping, _) = await Map(implementation, await Validate(implementation, "alice-ext-1"));

        Assert.Null(mapping!.UserId);
        Assert.NotNull(mapping.NewUser);
    }

    [Fact]
    public async Task A_new_user_gets_the_declared_attributes_and_no_others()
    {
        var declared = Implementation(new UserMappingRule { UserAttributes = new() { FederationId = "sub", DisplayName = "name" } });
        var bare = Implementation(new UserMappingRule());
        var claims = new Dictionary<string, object> { ["name"] = "Bob", ["preferred_username"] = "ceo@corp.example", ["email"] = "bob@example.com", ["email_verified"] = true };

        var (withDeclared, _) = await Map(declared, await Validate(declared, "bob-ext-2", claims));
        var (withNone, _) = await Map(bare, await Validate(bare, "bob-ext-2", claims));

        Assert.Equal(new HandlerUserData(FederationId: "bob-ext-2", DisplayName: "Bob"), withDeclared!.NewUser);
        Assert.Equal(new HandlerUserData(), withNone!.NewUser);
    }

    [Fact]
    public async Task Email_mapping_links_only_a_verified_email()
    {
        var implementation = Implementation(new UserMappingRule { Attribute = UserField.Email, Claim = "email", LinkExisting = true });

        var (unverified, _) = await Map(implementation, await Validate(implementation, "s1", new() { ["email"] = "alice@example.com" }));
        // OIDC's email_verified is a boolean: the string "true" is not the IdP vouching for the address.
        var (asString, _) = await Map(implementation, await Validate(implementation, "s1b", new() { ["email"] = "alice@example.com", ["email_verified"] = "true" }));
        var (verified, _) = await Map(implementation, await Validate(implementation, "s2", new() { ["email"] = "alice@example.com", ["email_verified"] = true }));

        Assert.Null(unverified!.UserId);
        Assert.Null(asString!.UserId);
        Assert.Equal("u-alice", verified!.UserId);
    }

    [Fact]
    public async Task An_email_used_as_another_attribute_must_be_verified_too()
    {
        var implementation = Implementation(new UserMappingRule { Attribute = UserField.Username, Claim = "email", LinkExisting = true });

        var (unverified, _) = await Map(implementation, await Validate(implementation, "s3", new() { ["email"] = "alice@example.com" }));
        var (verified, _) = await Map(implementation, await Validate(implementation, "s3b", new() { ["email"] = "alice@example.com", ["email_verified"] = true }));

        Assert.Null(unverified!.UserId);
        Assert.Equal("u-alice", verified!.UserId);
    }

    [Fact]
    public async Task A_claim_maps_onto_an_existing_user_only_when_the_handler_declares_it_verified()
    {
        var unverified = Implementation(new UserMappingRule { Attribute = UserField.Username, Claim = "preferred_username", LinkExisting = true });
        var verified = Implementation(new UserMappingRule { Attribute = UserField.Username, Claim = "preferred_username", LinkExisting = true, VerifiedClaims = ["preferred_username"] });
        var claims = new Dictionary<string, object> { ["preferred_username"] = "ALICE@example.com" };

        var (refused, _) = await Map(unverified, await Validate(unverified, "s4", claims));
        var (linked, _) = await Map(verified, await Validate(verified, "s4", claims));

        Assert.Null(refused!.UserId);
        Assert.Equal("u-alice", linked!.UserId);
    }

    [Fact]
    public async Task A_declared_email_that_is_not_verified_creates_no_user()
    {
        var implementation = Implementation(new UserMappingRule { UserAttributes = new() { Email = "upn" } });

        var (unverified, _) = await Map(implementation, await Validate(implementation, "s5", new() { ["upn"] = "carol@corp.example", ["email_verified"] = true }));
        var declaredVerified = Implementation(new UserMappingRule { UserAttributes = new() { Email = "upn" }, VerifiedClaims = ["upn"] });
        var (verified, _) = await Map(declaredVerified, await Validate(declaredVerified, "s5", new() { ["upn"] = "carol@corp.example" }));

        Assert.Null(unverified!.NewUser);
        Assert.Contains("not verified", unverified.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("carol@corp.example", verified!.NewUser!.Email);
    }
}
