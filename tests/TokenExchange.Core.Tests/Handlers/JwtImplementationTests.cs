using Microsoft.Extensions.Time.Testing;
using TokenExchange.Core.Tests.Users;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Grains;
using TokenExchange.Handlers;
using TokenExchange.Testing;

namespace TokenExchange.Core.Tests.Handlers;

/// <summary>The built-in jwt handler: what its validation hands on, and its rule-based user mapping.</summary>
public sealed class JwtImplementationTests
{
    private static readonly UserRecord Alice = new() { Id = "u-alice", Username = "alice@example.com", Email = "alice@example.com", FederationId = "alice-ext-1" };

    private readonly TestIdp idp = new();
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);
    private readonly HandlerUserDirectory users = new(new InMemoryUserDirectory(Alice));

    private JwtImplementation Implementation(UserAttribute attribute = UserAttribute.FederationId, string claim = "sub") =>
        new(new JwtSubjectTokenValidator(idp.Issuer, [TestIdp.DefaultAudience], ["ES256"], TimeSpan.FromSeconds(30), new StaticKeySource([idp.EcKey]), time),
            new UserMappingRule { Attribute = attribute, Claim = claim });

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
        implementation.MapUserAsync(new SubjectUserRequest { HandlerName = "h", AppName = "app", AllowUserCreation = true, Subject = subject }, users, CancellationToken.None);

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
    public async Task The_mapping_claim_finds_an_existing_user()
    {
        var implementation = Implementation();

        var (mapping, _) = await Map(implementation, await Validate(implementation, "alice-ext-1"));

        Assert.Equal("u-alice", mapping!.UserId);
    }

    [Fact]
    public async Task An_unknown_subject_becomes_a_user_to_create_with_the_mapped_value()
    {
        var implementation = Implementation();

        var (mapping, _) = await Map(implementation, await Validate(implementation, "bob-ext-2", new() { ["name"] = "Bob" }));

        Assert.Null(mapping!.UserId);
        Assert.Equal("bob-ext-2", mapping.NewUser!.FederationId);
        Assert.Equal("Bob", mapping.NewUser.DisplayName);
    }

    [Fact]
    public async Task Email_mapping_ignores_an_unverified_email()
    {
        var implementation = Implementation(UserAttribute.Email, "email");

        var (unverified, _) = await Map(implementation, await Validate(implementation, "s1", new() { ["email"] = "alice@example.com" }));
        // OIDC's email_verified is a boolean: the string "true" is not the IdP vouching for the address.
        var (asString, _) = await Map(implementation, await Validate(implementation, "s1b", new() { ["email"] = "alice@example.com", ["email_verified"] = "true" }));
        var (verified, _) = await Map(implementation, await Validate(implementation, "s2", new() { ["email"] = "alice@example.com", ["email_verified"] = true }));

        Assert.NotNull(unverified!.ErrorMessage);
        Assert.NotNull(asString!.ErrorMessage);
        Assert.Equal("u-alice", verified!.UserId);
    }

    [Fact]
    public async Task Email_mapping_from_another_claim_creates_the_user_with_that_value()
    {
        var implementation = Implementation(UserAttribute.Email, "upn");

        var (mapping, _) = await Map(implementation, await Validate(implementation, "s3", new() { ["upn"] = "carol@corp.example", ["email"] = "carol@example.com", ["email_verified"] = true }));

        Assert.Equal("carol@corp.example", mapping!.NewUser!.Email);
    }

    [Fact]
    public async Task A_token_without_the_mapping_claim_maps_no_user()
    {
        var implementation = Implementation(UserAttribute.Username, "preferred_username");

        var (mapping, _) = await Map(implementation, await Validate(implementation, "s4"));

        Assert.NotNull(mapping!.ErrorMessage);
    }
}
