namespace TokenExchange.Testing;

/// <summary>One app of a <see cref="TestConfig"/>: what <c>apps:</c> holds for a client id.</summary>
public sealed class AppBuilder
{
    internal AppBuilder(string clientId) => Node.Set("clientId", clientId);

    internal Node Node { get; } = new();

    public AppBuilder Label(string label) => Set("label", label);

    public AppBuilder Kind(string kind) => Set("kind", kind);

    /// <summary>A plaintext secret (<c>clientSecret</c>), hashed on load.</summary>
    public AppBuilder Secret(string secret) => Set("clientSecret", secret);

    /// <summary>Secrets given as hashes (<c>clientSecretHashes</c>, <c>sha256:BASE64</c>).</summary>
    public AppBuilder SecretHashes(params string[] hashes) => Set("clientSecretHashes", hashes);

    /// <summary><c>tokenExchange: { enabled, requireSecret }</c>; requireSecret stays the loader's default (true) unless named.</summary>
    public AppBuilder Exchange(bool enabled = true, bool? requireSecret = null) =>
        Set("tokenExchange", new Node().Set("enabled", enabled).Set("requireSecret", requireSecret));

    public AppBuilder Scopes(params string[] scopes) => Set("allowedScopes", scopes);

    public AppBuilder Audiences(params string[] audiences) => Set("allowedAudiences", audiences);

    /// <summary><c>accessToken: { format, lifetime, mayOutliveSubjectToken }</c>.</summary>
    public AppBuilder AccessToken(string? format = null, string? lifetime = null, bool? mayOutliveSubjectToken = null) =>
        Set("accessToken", new Node().Set("format", format).Set("lifetime", lifetime).Set("mayOutliveSubjectToken", mayOutliveSubjectToken));

    /// <summary><c>refreshTokens: { enabled, lifetime, absoluteLifetime }</c>.</summary>
    public AppBuilder RefreshTokens(bool enabled = true, string? lifetime = null, string? absoluteLifetime = null) =>
        Set("refreshTokens", new Node().Set("enabled", enabled).Set("lifetime", lifetime).Set("absoluteLifetime", absoluteLifetime));

    /// <summary><c>tokenEndpointAuthMethod</c>, e.g. <c>client_secret_post</c> or <c>tls_client_auth</c>.</summary>
    public AppBuilder AuthMethod(string method) => Set("tokenEndpointAuthMethod", method);

    /// <summary><c>tokenEndpointAuthMethod: tls_client_auth</c> with the certificate's subject DN or a DNS SAN.</summary>
    public AppBuilder TlsClientAuth(string? subjectDn = null, string? sanDns = null) =>
        AuthMethod("tls_client_auth").Set("tlsClientAuth", new Node().Set("subjectDn", subjectDn).Set("sanDns", sanDns));

    /// <summary><c>tokenEndpointAuthMethod: self_signed_tls_client_auth</c> with the registered certificates' thumbprints.</summary>
    public AppBuilder SelfSignedTlsClientAuth(params string[] thumbprints) =>
        AuthMethod("self_signed_tls_client_auth").Set("tlsClientAuth", new Node().Set("certificateThumbprints", thumbprints));

    /// <summary><c>rateLimits</c>; an unnamed budget stays off.</summary>
    public AppBuilder RateLimits(int? requestsPerSecond = null, int? burst = null, int? invalidTokensPerMinute = null) =>
        Set("rateLimits", new Node().Set("requestsPerSecond", requestsPerSecond).Set("burst", burst).Set("invalidTokensPerMinute", invalidTokensPerMinute));

    /// <summary>The audiences this app may introspect tokens for, as a resource server (<c>introspection.audiences</c>).</summary>
    public AppBuilder Introspects(params string[] audiences) => Set("introspection", new Node().Set("audiences", audiences));

    /// <summary><c>requireDpop</c>: every token request must carry a DPoP proof.</summary>
    public AppBuilder RequireDpop() => Set("requireDpop", true);

    /// <summary><c>requireDpopNonce</c>: every DPoP proof must carry the cluster's nonce (RFC 9449 section 8).</summary>
    public AppBuilder RequireDpopNonce() => Set("requireDpopNonce", true);

    /// <summary><c>transactionTokens: { issue, replace, lifetime }</c> (draft-ietf-oauth-transaction-tokens-10).</summary>
    public AppBuilder TransactionTokens(bool issue = false, bool replace = false, string? lifetime = null) =>
        Set("transactionTokens", new Node().Set("issue", issue).Set("replace", replace).Set("lifetime", lifetime));

    private AppBuilder Set(string key, object value)
    {
        Node.Set(key, value);
        return this;
    }
}
