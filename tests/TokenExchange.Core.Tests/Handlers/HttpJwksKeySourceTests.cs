using System.Text.Json;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Core.Handlers;
using TokenExchange.Diagnostics;
using TokenExchange.Testing;

namespace TokenExchange.Core.Tests.Handlers;

public sealed class HttpJwksKeySourceTests : IDisposable
{
    private static readonly JwksCachePolicy Policy = new() { RefreshCooldown = TimeSpan.FromSeconds(10), MaxAge = TimeSpan.FromHours(1) };

    private readonly TestIdp idp = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly JwksHttpHandler server;
    private readonly HttpClient http;
    private readonly HttpJwksKeySource source;
    private readonly TestMeterFactory meters = new();
    private readonly MetricCollector<long> fetches;
    private string? documentOverride;

    public HttpJwksKeySourceTests()
    {
        server = new JwksHttpHandler(() => documentOverride ?? idp.Jwks());
        http = new HttpClient(server);
        source = new HttpJwksKeySource(new Uri("https://idp.test.example/jwks.json"), http, Policy, time, NullLogger.Instance, new TokenExchangeMetrics(meters), "partner-idp");
        fetches = new MetricCollector<long>(meters, TokenExchangeTelemetry.Name, "tokenexchange.jwks.fetches");
    }

    public void Dispose()
    {
        fetches.Dispose();
        meters.Dispose();
        http.Dispose();
        server.Dispose();
    }

    private async Task<IReadOnlyList<SecurityKey>> Keys(string? kid) => await source.GetKeysAsync(kid, CancellationToken.None);

    private static string[] KeyIds(IReadOnlyList<SecurityKey> keys) => [.. keys.Select(k => k.KeyId)];

    [Fact]
    public async Task Counts_each_fetch_and_each_failed_fetch_for_its_handler()
    {
        await Keys(null);
        documentOverride = "not json";
        time.Advance(TimeSpan.FromSeconds(11));
        await Keys("unknown-kid");

        var measurements = fetches.GetMeasurementSnapshot();
        Assert.Equal(["success", "failure"], measurements.Select(m => (string)m.Tags["outcome"]!));
        Assert.All(measurements, m => Assert.Equal("partner-idp", m.Tags["handler"]));
    }

    [Fact]
    public async Task First_call_fetches_the_keys()
    {
        var keys = await Keys(idp.EcKey.KeyId);

        Assert.Equal(1, server.Requests);
        Assert.Equal([idp.EcKey.KeyId, idp.RsaKey.KeyId], KeyIds(keys));
    }

    [Fact]
    public async Task First_call_without_kid_fetches_the_keys()
    {
        var keys = await Keys(null);

        Assert.Equal(1, server.Requests);
        Assert.Equal(2, keys.Count);
    }

    [Fact]
    public async Task Known_kid_does_not_refetch()
    {
        await Keys(idp.EcKey.KeyId);
        time.Advance(Policy.RefreshCooldown * 3);

        await Keys(idp.EcKey.KeyId);
        await Keys(idp.RsaKey.KeyId);
        await Keys(null);

        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Unknown_kid_within_the_cooldown_does_not_refetch()
    {
        await Keys(idp.EcKey.KeyId);
        time.Advance(Policy.RefreshCooldown - TimeSpan.FromSeconds(1));

        var keys = await Keys("unknown-kid");

        Assert.Equal(1, server.Requests);
        Assert.Equal(2, keys.Count);
    }

    [Fact]
    public async Task A_flood_of_unknown_kids_fetches_once_per_cooldown_and_remembers_none()
    {
        await Keys(idp.EcKey.KeyId);
        for (var cooldown = 0; cooldown < 5; cooldown++)
        {
            time.Advance(Policy.RefreshCooldown);
            for (var i = 0; i < 1000; i++) Assert.Equal(2, (await Keys($"attacker-kid-{cooldown}-{i}")).Count);
        }

        Assert.Equal(1 + 5, server.Requests);
        Assert.Equal([idp.EcKey.KeyId, idp.RsaKey.KeyId], KeyIds(await Keys(null)));
    }

    [Fact]
    public async Task A_document_with_more_keys_than_the_limit_is_refused_and_the_keys_held_are_kept()
    {
        await Keys(idp.EcKey.KeyId);
        var many = Enumerable.Range(0, Policy.MaxKeys + 1).Select(i =>
        {
            using var ec = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ec) { KeyId = $"k{i}" });
            return new Dictionary<string, string> { ["kty"] = "EC", ["crv"] = jwk.Crv, ["x"] = jwk.X, ["y"] = jwk.Y, ["kid"] = jwk.KeyId, ["use"] = "sig", ["alg"] = "ES256" };
        }).ToList();
        documentOverride = JsonSerializer.Serialize(new { keys = many });
        time.Advance(Policy.RefreshCooldown);

        var keys = await Keys("k0");
        documentOverride = JsonSerializer.Serialize(new { keys = many.Take(Policy.MaxKeys) });
        time.Advance(Policy.RefreshCooldown);
        var atTheLimit = await Keys("k0");

        Assert.Equal(3, server.Requests);
        Assert.Equal([idp.EcKey.KeyId, idp.RsaKey.KeyId], KeyIds(keys));
        Assert.Equal(Policy.MaxKeys, atTheLimit.Count);
    }

    [Fact]
    public async Task Unknown_kid_after_the_cooldown_refetches()
    {
        await Keys(idp.EcKey.KeyId);
        time.Advance(Policy.RefreshCooldown);

        await Keys("unknown-kid");

        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task Rotated_key_is_picked_up_after_the_cooldown()
    {
        await Keys(idp.EcKey.KeyId);
        var rotated = idp.Rotate();
        time.Advance(Policy.RefreshCooldown);

        var keys = await Keys(rotated.KeyId);

        Assert.Contains(rotated.KeyId, KeyIds(keys));
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task Keys_older_than_max_age_are_refetched()
    {
        await Keys(idp.EcKey.KeyId);
        time.Advance(Policy.MaxAge);

        await Keys(idp.EcKey.KeyId);

        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task Failed_refresh_keeps_the_cached_keys()
    {
        await Keys(idp.EcKey.KeyId);
        server.Fail = true;
        time.Advance(Policy.RefreshCooldown);

        var keys = await Keys("unknown-kid");

        Assert.Equal(2, server.Requests);
        Assert.Equal([idp.EcKey.KeyId, idp.RsaKey.KeyId], KeyIds(keys));
    }

    [Fact]
    public async Task Malformed_document_keeps_the_cached_keys()
    {
        await Keys(idp.EcKey.KeyId);
        documentOverride = "<html>not json</html>";
        time.Advance(Policy.RefreshCooldown);

        var keys = await Keys("unknown-kid");

        Assert.Equal(2, server.Requests);
        Assert.Equal(2, keys.Count);
    }

    [Fact]
    public async Task Failed_fetch_with_nothing_cached_throws_keys_unavailable()
    {
        server.Fail = true;

        await Assert.ThrowsAsync<KeysUnavailableException>(() => Keys(idp.EcKey.KeyId));
    }

    [Fact]
    public async Task Failed_first_fetch_is_retried_after_the_cooldown()
    {
        server.Fail = true;
        await Assert.ThrowsAsync<KeysUnavailableException>(() => Keys(idp.EcKey.KeyId));
        server.Fail = false;
        time.Advance(Policy.RefreshCooldown);

        var keys = await Keys(idp.EcKey.KeyId);

        Assert.Equal(2, server.Requests);
        Assert.Equal(2, keys.Count);
    }

    [Fact]
    public async Task Concurrent_unknown_kid_calls_share_one_fetch()
    {
        await Keys(idp.EcKey.KeyId);
        var rotated = idp.Rotate();
        time.Advance(Policy.RefreshCooldown);
        server.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var calls = Enumerable.Range(0, 20).Select(_ => Keys(rotated.KeyId)).ToArray();
        server.Gate.SetResult();
        var results = await Task.WhenAll(calls);

        Assert.Equal(2, server.Requests);
        Assert.All(results, keys => Assert.Contains(rotated.KeyId, KeyIds(keys)));
    }

    [Fact]
    public async Task Symmetric_key_in_the_jwks_is_dropped()
    {
        documentOverride = WithOctKey(idp.Jwks());

        var keys = await Keys("hmac-key");

        Assert.DoesNotContain("hmac-key", KeyIds(keys));
        Assert.Equal([idp.EcKey.KeyId, idp.RsaKey.KeyId], KeyIds(keys));
    }

    /// <summary>The JWKS with an extra symmetric key, kid <c>hmac-key</c>.</summary>
    internal static string WithOctKey(string jwks)
    {
        using var document = JsonDocument.Parse(jwks);
        var keys = document.RootElement.GetProperty("keys").EnumerateArray().Select(k => (object)k.Clone()).ToList();
        keys.Add(new Dictionary<string, string> { ["kty"] = "oct", ["kid"] = "hmac-key", ["use"] = "sig", ["k"] = Base64UrlEncoder.Encode(new byte[32]) });
        return JsonSerializer.Serialize(new { keys });
    }

    /// <summary>The IdP's JWKS with each key changed by <paramref name="change"/> (a JSON object per key).</summary>
    private string JwksWith(Action<System.Text.Json.Nodes.JsonObject> change)
    {
        var document = System.Text.Json.Nodes.JsonNode.Parse(idp.Jwks())!;
        foreach (var key in document["keys"]!.AsArray()) change(key!.AsObject());
        return document.ToJsonString();
    }

    [Fact]
    public async Task A_refetch_keeps_the_instance_of_each_key_still_published()
    {
        var before = await Keys(null);
        time.Advance(Policy.MaxAge);

        var after = await Keys(null);

        Assert.Equal(2, server.Requests);
        Assert.Equal(before.Count, after.Count);
        Assert.All(before.Zip(after), pair => Assert.Same(pair.First, pair.Second));
    }

    [Fact]
    public async Task A_key_no_longer_published_leaves_with_its_instance()
    {
        var before = await Keys(null);
        var rotated = idp.Rotate();
        var document = System.Text.Json.Nodes.JsonNode.Parse(idp.Jwks())!;
        var keys = document["keys"]!.AsArray();
        foreach (var old in keys.Where(k => (string?)k!["kid"] != rotated.KeyId).ToList()) keys.Remove(old);
        documentOverride = document.ToJsonString();
        time.Advance(Policy.MaxAge);

        var after = await Keys(null);

        Assert.Equal([rotated.KeyId], KeyIds(after));
        Assert.DoesNotContain(after, before.Contains);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("alg")]
    [InlineData("use")]
    public async Task A_key_that_changed_under_its_kid_is_a_new_instance(string changed)
    {
        var before = await Keys(idp.EcKey.KeyId);
        var other = new TestIdp();
        var otherKey = System.Text.Json.Nodes.JsonNode.Parse(other.Jwks())!["keys"]![0]!;
        documentOverride = JwksWith(key =>
        {
            if ((string?)key["kty"] != "EC") return;
            switch (changed)
            {
                case "x": key["x"] = (string?)otherKey["x"]; key["y"] = (string?)otherKey["y"]; break;
                case "alg": key["alg"] = "ES256"; break;
                default: key.Remove("use"); break;
            }
        });
        time.Advance(Policy.MaxAge);

        var after = await Keys(idp.EcKey.KeyId);

        Assert.NotSame(before.Single(k => k.KeyId == idp.EcKey.KeyId), after.Single(k => k.KeyId == idp.EcKey.KeyId));
        Assert.Same(before.Single(k => k.KeyId == idp.RsaKey.KeyId), after.Single(k => k.KeyId == idp.RsaKey.KeyId));
    }
}
