using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Definitions;
using TokenExchange.Handlers;
using TokenExchange.Testing;
using TokenExchange.Users;

namespace TokenExchange.Core.Tests.Users;

public sealed class UserLookupFactoryTests
{
    private static readonly UserMappingRule BySub = new() { Claim = "sub", Attribute = UserAttribute.FederationId };
    private static readonly UserMappingRule ByEmail = new() { Claim = "email", Attribute = UserAttribute.Email };
    private static readonly UserMappingRule ByUsername = new() { Claim = "preferred_username", Attribute = UserAttribute.Username };

    private readonly TestIdp idp = new();

    private SubjectValidation Validated(IDictionary<string, object>? claims = null, string subject = "alice-ext-1")
    {
        var jwt = new JsonWebToken(idp.Token(subject: subject, claims: claims));
        return new SubjectValidation { Issuer = jwt.Issuer, Subject = jwt.Subject, Expires = jwt.ValidTo, Token = jwt };
    }

    private static Dictionary<string, object> Email(object? verified)
    {
        var claims = new Dictionary<string, object> { ["email"] = "alice@example.com" };
        if (verified is not null) claims["email_verified"] = verified;
        return claims;
    }

    [Fact]
    public void Sub_mapping_takes_the_sub_claim()
    {
        var lookup = UserLookupFactory.Create(BySub, Validated(), allowUserCreation: false);

        Assert.Equal(UserAttribute.FederationId, lookup.Attribute);
        Assert.Equal("alice-ext-1", lookup.Value);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Allow_user_creation_is_passed_on(bool allow)
    {
        Assert.Equal(allow, UserLookupFactory.Create(BySub, Validated(), allow).AllowUserCreation);
    }

    [Fact]
    public void Missing_mapping_claim_gives_no_value_and_no_candidate()
    {
        var lookup = UserLookupFactory.Create(ByUsername, Validated(), allowUserCreation: true);

        Assert.Null(lookup.Value);
        Assert.Null(lookup.Candidate);
    }

    [Fact]
    public void Email_mapping_ignores_an_email_marked_unverified()
    {
        var lookup = UserLookupFactory.Create(ByEmail, Validated(Email(false)), allowUserCreation: true);

        Assert.Null(lookup.Value);
        Assert.Null(lookup.Candidate);
    }

    [Fact]
    public void Email_mapping_ignores_an_email_without_email_verified()
    {
        Assert.Null(UserLookupFactory.Create(ByEmail, Validated(Email(null)), allowUserCreation: true).Value);
    }

    [Theory]
    [InlineData("false")]
    [InlineData("yes")]
    [InlineData("")]
    public void Email_mapping_ignores_an_email_verified_string_other_than_true(string verified)
    {
        Assert.Null(UserLookupFactory.Create(ByEmail, Validated(Email(verified)), allowUserCreation: true).Value);
    }

    [Fact]
    public void Email_mapping_accepts_email_verified_true_as_a_boolean()
    {
        var lookup = UserLookupFactory.Create(ByEmail, Validated(Email(true)), allowUserCreation: true);

        Assert.Equal(UserAttribute.Email, lookup.Attribute);
        Assert.Equal("alice@example.com", lookup.Value);
        Assert.Equal("alice@example.com", lookup.Candidate?.Email);
    }

    [Fact]
    public void Email_mapping_accepts_email_verified_true_as_a_string()
    {
        Assert.Equal("alice@example.com", UserLookupFactory.Create(ByEmail, Validated(Email("true")), allowUserCreation: true).Value);
    }

    [Fact]
    public void Candidate_is_built_from_the_claims()
    {
        var claims = Email(true);
        claims["preferred_username"] = "alice";
        claims["name"] = "Alice Example";

        var candidate = UserLookupFactory.Create(BySub, Validated(claims), allowUserCreation: true).Candidate;

        Assert.NotNull(candidate);
        Assert.Equal("alice-ext-1", candidate.FederationId);
        Assert.Equal("alice", candidate.Username);
        Assert.Equal("alice@example.com", candidate.Email);
        Assert.Equal("Alice Example", candidate.DisplayName);
        Assert.True(candidate.Enabled);
    }

    [Fact]
    public void Candidate_username_falls_back_to_the_verified_email()
    {
        var candidate = UserLookupFactory.Create(BySub, Validated(Email(true)), allowUserCreation: true).Candidate;

        Assert.Equal("alice@example.com", candidate?.Username);
    }

    [Fact]
    public void Candidate_never_carries_an_unverified_email()
    {
        var candidate = UserLookupFactory.Create(BySub, Validated(Email(false)), allowUserCreation: true).Candidate;

        Assert.NotNull(candidate);
        Assert.Null(candidate.Email);
        Assert.Null(candidate.Username);
    }

    [Fact]
    public void Username_mapping_puts_the_value_in_the_candidate_username()
    {
        var claims = new Dictionary<string, object> { ["preferred_username"] = "alice" };

        var lookup = UserLookupFactory.Create(ByUsername, Validated(claims), allowUserCreation: true);

        Assert.Equal("alice", lookup.Value);
        Assert.Equal("alice", lookup.Candidate?.Username);
        Assert.Null(lookup.Candidate?.FederationId);
    }

    [Theory]
    [InlineData("sub", UserAttribute.FederationId)]
    [InlineData("preferred_username", UserAttribute.Username)]
    [InlineData("email", UserAttribute.Email)]
    [InlineData("upn", UserAttribute.Email)]
    [InlineData("upn", UserAttribute.Username)]
    public void Created_candidate_is_found_again_by_the_lookup(string claim, UserAttribute attribute)
    {
        var claims = new Dictionary<string, object>
        {
            ["email"] = "alice@example.com",
            ["email_verified"] = true,
            ["preferred_username"] = "alice",
            ["upn"] = "alice@corp.example",
        };

        var lookup = UserLookupFactory.Create(new UserMappingRule { Claim = claim, Attribute = attribute }, Validated(claims), allowUserCreation: true);

        Assert.NotNull(lookup.Value);
        Assert.Equal(lookup.Value, lookup.Candidate?.Get(attribute));
    }
}
