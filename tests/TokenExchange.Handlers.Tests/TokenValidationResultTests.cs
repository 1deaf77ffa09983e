namespace TokenExchange.Handlers.Tests;

/// <summary>What a handler answers about a token: the factories set what the cluster relies on, and nothing else.</summary>
public sealed class TokenValidationResultTests
{
    [Fact]
    public void Valid_carries_the_subject_its_issuer_and_what_else_was_given()
    {
        var claims = new Dictionary<string, string> { ["tenant"] = "t-1" };
        var user = new HandlerUserData(Username: "alice", Email: "alice@example.com");
        var expiresAt = new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero);

        var result = TokenValidationResult.Valid("alice-ext-1", "https://idp.example", claims, user, expiresAt);

        Assert.True(result.IsValid);
        Assert.Equal("alice-ext-1", result.Subject);
        Assert.Equal("https://idp.example", result.Issuer);
        Assert.Same(claims, result.Claims);
        Assert.Equal(user, result.UserData);
        Assert.Equal(expiresAt, result.ExpiresAt);
        Assert.Null(result.ErrorMessage);
    }

    [Fact]
    public void Valid_without_claims_has_an_empty_claim_map_never_null()
    {
        var result = TokenValidationResult.Valid("alice-ext-1", "https://idp.example");

        Assert.NotNull(result.Claims);
        Assert.Empty(result.Claims);
        Assert.Null(result.UserData);
        Assert.Null(result.ExpiresAt);
    }

    [Fact]
    public void Invalid_carries_only_the_message_the_client_sees()
    {
        var result = TokenValidationResult.Invalid("the token was revoked");

        Assert.False(result.IsValid);
        Assert.Equal("the token was revoked", result.ErrorMessage);
        Assert.Null(result.Subject);
        Assert.Null(result.Issuer);
        Assert.Empty(result.Claims);
        Assert.Null(result.UserData);
        Assert.Null(result.ExpiresAt);
    }

    [Fact]
    public void A_result_built_without_the_factories_is_invalid_by_default()
    {
        var result = new TokenValidationResult { Subject = "alice-ext-1", Issuer = "https://idp.example" };

        Assert.False(result.IsValid);
        Assert.NotNull(result.Claims);
        Assert.Empty(result.Claims);
    }

    [Fact]
    public void With_changes_one_value_and_keeps_the_others()
    {
        var valid = TokenValidationResult.Valid("alice-ext-1", "https://idp.example", expiresAt: DateTimeOffset.UnixEpoch);

        var later = valid with { ExpiresAt = DateTimeOffset.UnixEpoch.AddHours(1) };

        Assert.Equal(DateTimeOffset.UnixEpoch, valid.ExpiresAt);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddHours(1), later.ExpiresAt);
        Assert.True(later.IsValid);
        Assert.Equal(valid.Subject, later.Subject);
        Assert.Equal(valid.Issuer, later.Issuer);
        Assert.Same(valid.Claims, later.Claims);
    }
}
