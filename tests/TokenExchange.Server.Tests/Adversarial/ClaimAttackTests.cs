namespace TokenExchange.Server.Tests.Adversarial;

/// <summary>
/// Correctly signed tokens whose claims are wrong: issuer, audience, lifetime. Lifetime boundaries are
/// tested to the second with the server's clock pinned, each side of each boundary.
/// </summary>
[Collection(AdversarialCollection.Name)]
public sealed class ClaimAttackTests(AdversarialFixture fixture) : IDisposable
{
    private static readonly long Skew = (long)AdversarialFixture.ClockSkew.TotalSeconds;
    private static readonly long MaxLifetime = (long)TimeSpan.Parse(AdversarialFixture.MaxTokenLifetime).TotalSeconds;
    private readonly Wire wire = new(fixture);

    [Theory]
    [InlineData(Transport.Http, "https://evil.example")]
    [InlineData(Transport.Grpc, "https://evil.example")]
    [InlineData(Transport.Http, "https://idp.partner.example/")]
    [InlineData(Transport.Grpc, "HTTPS://IDP.PARTNER.EXAMPLE")]
    [InlineData(Transport.Http, null)]
    [InlineData(Transport.Grpc, null)]
    public async Task A_wrong_or_missing_issuer_is_refused(Transport transport, string? issuer)
    {
        var token = AttackTokens.FromIdp(fixture.Idp, Claims("iss", issuer ?? (object?)null));
        Assert.Contains("issuer", await wire.Refused(transport, fixture.Request(token), "invalid_request"));
    }

    [Theory]
    [InlineData(Transport.Http, "another-party")]
    [InlineData(Transport.Grpc, "another-party")]
    [InlineData(Transport.Http, "")]
    [InlineData(Transport.Grpc, null)]
    [InlineData(Transport.Http, null)]
    public async Task A_missing_or_another_partys_audience_is_refused(Transport transport, string? audience)
    {
        var token = AttackTokens.FromIdp(fixture.Idp, Claims("aud", audience is null ? null : new[] { audience }));
        Assert.Contains("audience", await wire.Refused(transport, fixture.Request(token), "invalid_request"));
    }

    [Theory]
    [InlineData(Transport.Http)]
    [InlineData(Transport.Grpc)]
    public async Task A_token_without_exp_is_refused(Transport transport)
    {
        var token = AttackTokens.FromIdp(fixture.Idp, Claims("exp", null));
        Assert.Contains("exp", await wire.Refused(transport, fixture.Request(token), "invalid_request"));
    }

    [Theory]
    [InlineData(Transport.Http, "\"1700000000\"")]
    [InlineData(Transport.Grpc, "1e300")]
    [InlineData(Transport.Http, "-1")]
    [InlineData(Transport.Grpc, "99999999999999999")]
    [InlineData(Transport.Http, "true")]
    public async Task An_exp_that_is_not_a_sane_time_is_refused(Transport transport, string json)
    {
        var token = AttackTokens.FromIdp(fixture.Idp, Claims("exp", System.Text.Json.JsonDocument.Parse(json).RootElement));
        await wire.Refused(transport, fixture.Request(token), "invalid_request");
    }

    // exp: expired once exp + skew <= now.
    [Theory]
    [InlineData(Transport.Http, -1, false)]
    [InlineData(Transport.Grpc, -1, false)]
    [InlineData(Transport.Http, 0, false)]
    [InlineData(Transport.Grpc, 0, false)]
    [InlineData(Transport.Http, 1, true)]
    [InlineData(Transport.Grpc, 1, true)]
    public async Task Exp_in_the_past_is_refused_beyond_the_clock_skew(Transport transport, long secondsPastBoundary, bool accepted)
    {
        using var pin = fixture.Clock.Pin(out var now);
        var at = now.ToUnixTimeSeconds();
        var exp = at - Skew + secondsPastBoundary;
        await Expect(transport, AttackTokens.FromIdp(fixture.Idp, Claims("iat", exp - 600, "exp", exp), now: now), accepted, "expired");
    }

    // A token valid for longer than maxTokenLifetime from now is refused (a stolen long-lived token is not laundered into ours).
    [Theory]
    [InlineData(Transport.Http, -1, true)]
    [InlineData(Transport.Grpc, 0, true)]
    [InlineData(Transport.Http, 1, false)]
    [InlineData(Transport.Grpc, 1, false)]
    [InlineData(Transport.Http, 3650L * 24 * 3600, false)]
    public async Task Exp_beyond_the_maximum_lifetime_from_now_is_refused(Transport transport, long secondsPastBoundary, bool accepted)
    {
        using var pin = fixture.Clock.Pin(out var now);
        var exp = now.ToUnixTimeSeconds() + MaxLifetime + Skew + secondsPastBoundary;
        await Expect(transport, AttackTokens.FromIdp(fixture.Idp, Claims("iat", null, "exp", exp), now: now), accepted, "lifetime");
    }

    // With iat, the lifetime the IdP gave the token (exp - iat) is what is bounded.
    [Theory]
    [InlineData(Transport.Http, 0, true)]
    [InlineData(Transport.Grpc, 0, true)]
    [InlineData(Transport.Http, 1, false)]
    [InlineData(Transport.Grpc, 1, false)]
    public async Task An_issued_lifetime_beyond_the_maximum_is_refused(Transport transport, long secondsPastBoundary, bool accepted)
    {
        using var pin = fixture.Clock.Pin(out var now);
        var iat = now.ToUnixTimeSeconds() - 600;
        await Expect(transport, AttackTokens.FromIdp(fixture.Idp, Claims("iat", iat, "exp", iat + MaxLifetime + secondsPastBoundary), now: now), accepted, "lifetime");
    }

    [Theory]
    [InlineData(Transport.Http, "nbf", -1, true)]
    [InlineData(Transport.Grpc, "nbf", 0, true)]
    [InlineData(Transport.Http, "nbf", 1, false)]
    [InlineData(Transport.Grpc, "nbf", 1, false)]
    [InlineData(Transport.Http, "iat", 0, true)]
    [InlineData(Transport.Grpc, "iat", -1, true)]
    [InlineData(Transport.Http, "iat", 1, false)]
    [InlineData(Transport.Grpc, "iat", 1, false)]
    public async Task Nbf_and_iat_in_the_future_are_refused_beyond_the_clock_skew(Transport transport, string claim, long secondsPastBoundary, bool accepted)
    {
        using var pin = fixture.Clock.Pin(out var now);
        var at = now.ToUnixTimeSeconds();
        var token = AttackTokens.FromIdp(fixture.Idp, Claims("iat", at, "exp", at + 600, claim, at + Skew + secondsPastBoundary), now: now);
        await Expect(transport, token, accepted, claim == "nbf" ? "not valid yet" : "issued in the future");
    }

    private async Task Expect(Transport transport, string token, bool accepted, string reason)
    {
        if (accepted) Assert.NotEmpty((await wire.Exchanged(transport, fixture.Request(token))).AccessToken);
        else Assert.Contains(reason, await wire.Refused(transport, fixture.Request(token), "invalid_request"));
    }

    private static Dictionary<string, object?> Claims(params object?[] pairs)
    {
        var claims = new Dictionary<string, object?>();
        for (var i = 0; i < pairs.Length; i += 2) claims[(string)pairs[i]!] = pairs[i + 1];
        return claims;
    }

    public void Dispose() => wire.Dispose();
}
