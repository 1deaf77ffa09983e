using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.ClientAssertions;

/// <summary>
/// One server for the client assertion tests (docs/spec.md section 10): apps that sign their own assertions
/// (<c>pkj-inline</c>, keys inline, with refresh tokens; <c>pkj-uri</c>, keys by JWKS URI), apps trusting a Kubernetes-like
/// issuer found by OpenID discovery (<c>k8s-workload</c>, tokens reusable; <c>k8s-once</c>, each token once) and a
/// SPIFFE issuer by JWKS URI (<c>spiffe-workload</c>), and a secret app; subject tokens from the dev issuer.
/// </summary>
public sealed class ClientAssertionServer : IAsyncLifetime
{
    public const string Secret = "assertion-secret-0123456789abcdef";
    public const string JwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>The audience the Kubernetes apps' projected tokens are requested for.</summary>
    public const string KubernetesAudience = "token-exchange-cluster";
    public const string ServiceAccount = "system:serviceaccount:shop:orders";
    public const string SpiffeId = "spiffe://example.org/ns/shop/sa/orders";

    private GrpcChannel channel = null!;
    private JwksServer keys = null!;
    private JwksServer spireKeys = null!;

    public TokenExchangeServer Server { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public Protos.V1.TokenExchange.TokenExchangeClient Grpc => new(channel);

    /// <summary>The key of <c>pkj-inline</c>, whose public half the configuration holds.</summary>
    public AssertionKey InlineKey { get; } = new();

    /// <summary>The keys <c>pkj-uri</c> publishes at its JWKS URI.</summary>
    public TestIdp UriKeys { get; } = new("https://orders.example");

    /// <summary>The SPIFFE trust domain's JWT-SVID issuer (its bundle endpoint serves a JWKS).</summary>
    public TestIdp Spire { get; } = new("https://spire.example.org");

    /// <summary>The Kubernetes-like issuer: discovery document and JWKS on loopback.</summary>
    public OidcIssuerServer Kubernetes { get; private set; } = null!;

    public string TokenEndpoint => Server.Issuer + "/oauth2/token";

    /// <summary>The server's log, the audit log among it.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>
    /// Waits for a refused operation's audit event whose reason names <paramref name="reason"/> (the operator's detail, never
    /// on the wire), and checks that no log line holds <paramref name="assertion"/>.
    /// </summary>
    public async Task AssertAudited(string reason, string? assertion = null)
    {
        await Poll.UntilAsync(() => Logs.Lines.Any(l => l.Category == TokenExchange.Silo.Events.AuditLogSink.Category && l.Message.Contains("outcome=refused", StringComparison.Ordinal)
            && l.Message.Contains(reason, StringComparison.Ordinal)), TimeSpan.FromSeconds(10), $"an audit event with reason '{reason}'");
        if (assertion is not null) Assert.DoesNotContain(Logs.Lines, l => l.Message.Contains(assertion, StringComparison.Ordinal));
    }

    public string GrpcUrl(string method) => Server.Issuer + method;

    public async Task InitializeAsync()
    {
        keys = await JwksServer.StartAsync(UriKeys);
        spireKeys = await JwksServer.StartAsync(Spire);
        Kubernetes = await OidcIssuerServer.StartAsync();
        var config = TestConfig.Create()
            .App("pkj-inline", a => a.PrivateKeyJwt(jwksJson: InlineKey.Jwks).Exchange().Scopes("api", "offline_access").RefreshTokens())
            .App("pkj-uri", a => a.PrivateKeyJwt(jwksUri: keys.JwksUri.ToString()).Exchange().Scopes("api"))
            .App("k8s-workload", a => a.FederatedCredential(Kubernetes.Issuer, ServiceAccount, audience: KubernetesAudience).Exchange().Scopes("api"))
            .App("k8s-once", a => a.FederatedCredential(Kubernetes.Issuer, ServiceAccount, audience: KubernetesAudience, oneTimeUse: true).Exchange().Scopes("api"))
            .App("spiffe-workload", a => a.FederatedCredential(Spire.Issuer, SpiffeId, jwksUri: spireKeys.JwksUri.ToString()).Exchange().Scopes("api"))
            .App("secret-app", a => a.Secret(Secret).Exchange().Scopes("api"))
            .DevIssuerHandler("dev-idp", h => h
                .Accepts("jwt")
                .Audiences("token-exchange")
                .Enable("pkj-inline", isDefault: true, allowUserCreation: true)
                .Enable("pkj-uri", isDefault: true, allowUserCreation: true)
                .Enable("k8s-workload", isDefault: true, allowUserCreation: true)
                .Enable("k8s-once", isDefault: true, allowUserCreation: true)
                .Enable("spiffe-workload", isDefault: true, allowUserCreation: true)
                .Enable("secret-app", isDefault: true, allowUserCreation: true))
            .ToYaml();
        Server = await LoopbackServer.StartAsync(config, builder =>
        {
            builder.Logging.AddProvider(Logs);
            builder.Logging.AddFilter(TokenExchange.Silo.Events.AuditLogSink.Category, LogLevel.Debug);
        });
        channel = GrpcChannel.ForAddress(Server.GrpcAddress);
        Http = new HttpClient { BaseAddress = Server.HttpAddress };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        channel.Dispose();
        await Server.DisposeAsync();
        await Kubernetes.DisposeAsync();
        await keys.DisposeAsync();
        await spireKeys.DisposeAsync();
    }

    /// <summary>The URL an assertion names as its audience on this transport: the token endpoint, or the gRPC method's URL.</summary>
    public string Endpoint(string transport, string? method = null) => transport == "http" ? TokenEndpoint : GrpcUrl(method ?? GrpcMethods.Exchange);

    /// <summary>A Kubernetes projected service account token of the test issuer (an hour, as the kubelet asks by default).</summary>
    public string ServiceAccountToken(string subject = ServiceAccount, string audience = KubernetesAudience, DateTimeOffset? now = null, TimeSpan? expiresIn = null) =>
        Kubernetes.Idp.Token(subject, audience, now: now, expiresIn: expiresIn ?? TimeSpan.FromHours(1), claims: new Dictionary<string, object>
        {
            ["kubernetes.io"] = new Dictionary<string, object> { ["namespace"] = "shop", ["serviceaccount"] = new Dictionary<string, object> { ["name"] = "orders" } },
        });

    public async Task<string> SubjectToken()
    {
        using var minted = await Http.PostAsync("/dev-issuer/token", new FormUrlEncodedContent([new("sub", "wl-" + Guid.NewGuid().ToString("N")[..8])]));
        return (await minted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    /// <summary>How a request authenticates: client id (empty: none), an assertion and its type, a secret, Basic credentials (HTTP).</summary>
    public sealed record Credentials(string ClientId, string? Assertion, string? AssertionType = JwtBearer, string? Secret = null, bool Basic = false);

    /// <summary>An exchange over the transport (the unary call for gRPC); the answer or its refusal.</summary>
    public async Task<Answer> Exchange(string transport, Credentials credentials, params string[] scopes)
    {
        var subjectToken = await SubjectToken();
        scopes = scopes.Length == 0 ? ["api"] : scopes;
        if (transport == "http")
        {
            return await Post(credentials, [
                new("grant_type", Clients.TokenExchangeGrant), new("subject_token", subjectToken), new("subject_token_type", Clients.JwtType), new("scope", string.Join(' ', scopes))]);
        }
        var request = new ExchangeRequest { SubjectToken = subjectToken, SubjectTokenType = Clients.JwtType, Scope = { scopes } };
        Fill(request, credentials);
        return await Call(async () => Answer.Of(await Grpc.ExchangeAsync(request)));
    }

    /// <summary>A refresh over the transport.</summary>
    public async Task<Answer> Refresh(string transport, Credentials credentials, string refreshToken)
    {
        if (transport == "http") return await Post(credentials, [new("grant_type", "refresh_token"), new("refresh_token", refreshToken)]);
        var request = new RefreshRequest { ClientId = credentials.ClientId, RefreshToken = refreshToken, ClientAssertion = credentials.Assertion ?? "", ClientAssertionType = credentials.AssertionType ?? "", ClientSecret = credentials.Secret ?? "" };
        return await Call(async () => Answer.Of(await Grpc.RefreshAsync(request)));
    }

    /// <summary>An introspection over the transport: its JSON answer, or the refusal.</summary>
    public async Task<(JsonElement? Body, Answer? Refused)> Introspect(string transport, Credentials credentials, string token)
    {
        if (transport == "http")
        {
            var form = new List<KeyValuePair<string, string>> { new("token", token) };
            using var response = await Send("/oauth2/introspect", credentials, form);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return response.IsSuccessStatusCode ? (body, null) : (null, Answer.Refusal((int)response.StatusCode, body));
        }
        try
        {
            var answer = await Grpc.IntrospectAsync(new TokenRequest { ClientId = credentials.ClientId, Token = token, ClientAssertion = credentials.Assertion ?? "", ClientAssertionType = credentials.AssertionType ?? "", ClientSecret = credentials.Secret ?? "" });
            return (JsonDocument.Parse(answer.Json).RootElement, null);
        }
        catch (RpcException e)
        {
            return (null, Answer.Refusal(e));
        }
    }

    public static void Fill(ExchangeRequest request, Credentials credentials)
    {
        request.ClientId = credentials.ClientId;
        request.ClientAssertion = credentials.Assertion ?? "";
        request.ClientAssertionType = credentials.Assertion is null ? "" : credentials.AssertionType ?? "";
        request.ClientSecret = credentials.Secret ?? "";
    }

    private async Task<Answer> Post(Credentials credentials, List<KeyValuePair<string, string>> form)
    {
        using var response = await Send("/oauth2/token", credentials, form);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode ? Answer.Of(body) : Answer.Refusal((int)response.StatusCode, body);
    }

    private async Task<HttpResponseMessage> Send(string path, Credentials credentials, List<KeyValuePair<string, string>> form)
    {
        if (credentials.ClientId.Length > 0 && !credentials.Basic) form.Add(new("client_id", credentials.ClientId));
        if (credentials.Assertion is not null)
        {
            form.Add(new("client_assertion", credentials.Assertion));
            if (credentials.AssertionType is not null) form.Add(new("client_assertion_type", credentials.AssertionType));
        }
        if (credentials.Secret is not null && !credentials.Basic) form.Add(new("client_secret", credentials.Secret));
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (credentials.Basic)
            message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.ClientId}:{credentials.Secret ?? ""}")));
        return await Http.SendAsync(message);
    }

    private static async Task<Answer> Call(Func<Task<Answer>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException e)
        {
            return Answer.Refusal(e);
        }
    }
}

/// <summary>Issued tokens, or a refusal with its OAuth code, description, HTTP status and gRPC status.</summary>
public sealed record Answer(string? AccessToken, string? TokenType, string? RefreshToken, string? Code, string? Description, int HttpStatus, StatusCode GrpcStatus)
{
    public static Answer Of(ExchangeResponse response) => new(response.AccessToken, response.TokenType, response.RefreshToken is { Length: > 0 } r ? r : null, null, null, 200, StatusCode.OK);

    public static Answer Of(JsonElement body) => new(body.GetProperty("access_token").GetString(), body.GetProperty("token_type").GetString(),
        body.TryGetProperty("refresh_token", out var r) ? r.GetString() : null, null, null, 200, StatusCode.OK);

    public static Answer Refusal(int status, JsonElement body) => new(null, null, null, body.GetProperty("error").GetString(), body.GetProperty("error_description").GetString(), status, StatusCode.OK);

    /// <summary>A failed client authentication as both transports answer it: invalid_client, its one description, HTTP 401, gRPC Unauthenticated.</summary>
    public void AssertUnauthenticated(string transport)
    {
        Assert.Null(AccessToken);
        Assert.Equal("invalid_client", Code);
        Assert.Equal("client authentication failed", Description);
        if (transport == "http") Assert.Equal(401, HttpStatus);
        else Assert.Equal(StatusCode.Unauthenticated, GrpcStatus);
    }

    public static Answer Refusal(RpcException e) => new(null, null, null, e.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason, e.Status.Detail, 0, e.StatusCode);
}
