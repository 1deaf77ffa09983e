using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Grains.Keys;
using TokenExchange.Protos.V1;

namespace TokenExchange.Server.Tests.Adversarial;

/// <summary>
/// Every log line of a server run full of failures (all categories, down to Trace) is searched for
/// secrets (client secrets, admin key, key-encryption key, private key material) and whole tokens
/// (subject tokens, issued access, ID and refresh tokens; each as a whole and by its signature).
/// </summary>
[Collection(AdversarialCollection.Name)]
public sealed class LogLeakTests(AdversarialFixture fixture) : IDisposable
{
    private readonly Wire wire = new(fixture);

    [Fact]
    public async Task No_secret_and_no_whole_token_reaches_any_log_line()
    {
        var tokens = new List<string>();
        foreach (var transport in new[] { Transport.Http, Transport.Grpc })
        {
            foreach (var (request, code) in FailingRequests())
            {
                tokens.Add(request.SubjectToken);
                if (code is null) await Send(transport, request);
                else await wire.Refused(transport, request, code);
            }
            var issuing = fixture.Request();
            issuing.Scope.Add("openid");
            issuing.Scope.Add("offline_access");
            issuing.Audience.Add(AdversarialFixture.OrdersAudience);
            var issued = await wire.Exchanged(transport, issuing);
            tokens.AddRange([issuing.SubjectToken, issued.AccessToken, issued.IdToken, issued.RefreshToken]);
            foreach (var own in new[] { issued.AccessToken, issued.IdToken, issued.RefreshToken })
                await wire.Refused(transport, fixture.Request(own), "invalid_request");
        }
        await AdminCallsWithWrongAndRightKeys();

        var logs = fixture.Logs.Everything.ToArray();
        Assert.True(logs.Length > 100, $"only {logs.Length} log lines captured");
        foreach (var secret in Secrets()) AssertNowhere(logs, secret, "a secret");
        foreach (var token in tokens.Where(t => t.Length > 0).Distinct())
        {
            AssertNowhere(logs, token, "a whole token");
            var parts = token.Split('.');
            // A JWT's signature is its unforgeable part; an opaque token is all secret.
            var signature = parts.Length == 3 ? parts[2] : token;
            if (signature.Length >= 16) AssertNowhere(logs, signature, "a token signature");
        }
    }

    /// <summary>Names the offending lines by level and category only, so the failure message does not repeat what leaked.</summary>
    private static void AssertNowhere(string[] logs, string value, string what)
    {
        var leaks = logs.Where(line => line.Contains(value, StringComparison.Ordinal)).Select(line => line[..line.IndexOf(':')]).Distinct().ToList();
        Assert.True(leaks.Count == 0, $"{what} appears in log lines of: {string.Join(", ", leaks)}");
    }

    private IEnumerable<(ExchangeRequest Request, string? Code)> FailingRequests()
    {
        var idp = fixture.Idp;
        ExchangeRequest With(Action<ExchangeRequest> change) { var r = fixture.Request(); change(r); return r; }
        yield return (fixture.Request(idp.TamperedToken()), "invalid_request");
        yield return (fixture.Request(idp.UnsignedToken()), "invalid_request");
        yield return (fixture.Request(idp.HmacWithPublicKeyToken()), "invalid_request");
        yield return (fixture.Request(idp.Token(key: idp.RsaKey)), "invalid_request");
        yield return (fixture.Request(idp.Token(issuer: "https://evil.example")), "invalid_request");
        yield return (fixture.Request(idp.Token(audience: "another-party")), "invalid_request");
        yield return (fixture.Request(idp.Token(now: DateTimeOffset.UtcNow.AddHours(-2))), "invalid_request");
        yield return (fixture.Request(AttackTokens.FromIdp(idp, header: new Dictionary<string, object?> { ["kid"] = "unknown-" + Guid.NewGuid() })), "invalid_request");
        yield return (fixture.Request(AttackTokens.FromIdp(idp, header: new Dictionary<string, object?> { ["crit"] = new[] { "x" }, ["x"] = 1 })), "invalid_request");
        yield return (fixture.Request(AttackTokens.FromIdp(idp, new Dictionary<string, object?> { ["nonce"] = "n" })), "invalid_request");
        yield return (fixture.Request(idp.Token("dave-ext-1")), "invalid_grant");
        yield return (fixture.Request(idp.Token(), "billing-only"), "unauthorized_client");
        yield return (fixture.Request(idp.Token(), "orders-web-only"), "invalid_request");
        yield return (fixture.Request("not-a-jwt-" + Guid.NewGuid().ToString("N")), "invalid_request");
        yield return (With(r => r.ClientSecret = "wrong-secret-" + Guid.NewGuid().ToString("N")), "invalid_client");
        yield return (With(r => r.ClientSecret = AdversarialFixture.BillingSecret), "invalid_client");
        yield return (With(r => r.Scope.Add("admin")), "invalid_scope");
        yield return (With(r => r.Audience.Add("https://payroll.example")), "invalid_target");
        yield return (With(r => r.SubjectTokenType = "urn:ietf:params:oauth:token-type:saml2"), "invalid_request");
        yield return (With(r => { r.ActorToken = idp.TamperedToken("actor"); r.ActorTokenType = Clients.JwtType; }), "invalid_request");
        yield return (fixture.Request(idp.Token()), null);
    }

    private async Task Send(Transport transport, ExchangeRequest request) => Assert.NotEmpty((await wire.Exchanged(transport, request)).AccessToken);

    private async Task AdminCallsWithWrongAndRightKeys()
    {
        using var channel = GrpcChannel.ForAddress(fixture.Grpc);
        var admin = new Protos.V1.Admin.AdminClient(channel);
        var wrong = new Metadata { { "authorization", "Bearer " + AdversarialFixture.AdminKey + "-wrong" } };
        await Assert.ThrowsAsync<RpcException>(async () => await admin.GetAsync(new GetRequest { Kind = "app" }, wrong));
        var right = new Metadata { { "authorization", "Bearer " + AdversarialFixture.AdminKey } };
        await admin.GetAsync(new GetRequest { Kind = "app" }, right);
    }

    private IEnumerable<string> Secrets()
    {
        yield return AdversarialFixture.OrdersSecret;
        yield return AdversarialFixture.BillingSecret;
        yield return AdversarialFixture.AdminKey;
        yield return fixture.KeyEncryptionKey;
        yield return Base64UrlEncoder.Encode(Convert.FromBase64String(fixture.KeyEncryptionKey));
        yield return Base64UrlEncoder.Encode(fixture.Idp.EcKey.ECDsa.ExportParameters(true).D!);
        foreach (var key in fixture.Server.Services.GetRequiredService<SigningKeyCache>().Ring.Keys)
            yield return JsonDocument.Parse(key.ToPrivateJwk()).RootElement.GetProperty("d").GetString()!;
    }

    public void Dispose() => wire.Dispose();
}
