namespace TokenExchange.Configuration;

// The YAML configuration file as written by operators (see config/dev.yaml). Mutable POCOs for the
// deserializer only; ConfigLoader turns them into the validated, immutable definitions.

public sealed class ConfigFileModel
{
    public List<AppModel> Apps { get; set; } = [];
    public List<HandlerModel> Handlers { get; set; } = [];
    public List<UserModel> Users { get; set; } = [];

    /// <summary>Server settings (ports, PostgreSQL, membership timings); the host reads them, see README.</summary>
    public Dictionary<string, string> Server { get; set; } = [];

    /// <summary>Credentials of the admin API; only in the server's own configuration file.</summary>
    public AdminModel? Admin { get; set; }
}

public sealed class AdminModel
{
    /// <summary>Plaintext admin key: for development configuration only; it is hashed on load.</summary>
    public string? Key { get; set; }

    /// <summary>Hashes (<c>sha256:BASE64</c>) of the admin keys, for production configuration.</summary>
    public List<string> KeyHashes { get; set; } = [];

    /// <summary>Apps (client ids) whose admin-scoped access tokens count as admin credentials; none by default.</summary>
    public List<string> Clients { get; set; } = [];

    /// <summary>If given, only these users' tokens (from a listed client) count; needs <see cref="Clients"/>.</summary>
    public List<string> Users { get; set; } = [];
}

public sealed class AppModel
{
    public string? ClientId { get; set; }
    public string? Label { get; set; }
    public string? Kind { get; set; }

    /// <summary>Plaintext secret: for development configuration only; it is hashed on load.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Hashes (<c>sha256:BASE64</c>) of the app's secrets, for production configuration.</summary>
    public List<string> ClientSecretHashes { get; set; } = [];

    /// <summary>
    /// What <c>txctl get</c> shows instead of the secrets: how many there are. In an apply without clientSecret and
    /// clientSecretHashes it keeps the app's stored secrets (see <see cref="StoredDefinitions"/>).
    /// </summary>
    public int? Secrets { get; set; }

    public TokenExchangeModel TokenExchange { get; set; } = new();
    public List<string> AllowedScopes { get; set; } = [];
    public List<string> AllowedAudiences { get; set; } = [];
    public AccessTokenModel AccessToken { get; set; } = new();
    public RefreshTokensModel RefreshTokens { get; set; } = new();

    /// <summary><c>client_secret_basic</c> (default; Basic or form), <c>client_secret_post</c>, <c>tls_client_auth</c> or <c>self_signed_tls_client_auth</c>.</summary>
    public string? TokenEndpointAuthMethod { get; set; }

    /// <summary>The certificate of an app that authenticates by mutual TLS (RFC 8705).</summary>
    public TlsClientAuthModel? TlsClientAuth { get; set; }

    public RateLimitsModel RateLimits { get; set; } = new();

    /// <summary>The audiences this app serves as a resource server: it may introspect tokens issued for them.</summary>
    public IntrospectionPolicyModel? Introspection { get; set; }

    /// <summary>Every token request of the app must carry a DPoP proof (RFC 9449); its access tokens are then always key-bound.</summary>
    public bool? RequireDpop { get; set; }

    /// <summary>Every DPoP proof of the app must carry a nonce the cluster issued it (RFC 9449 section 8, DPoP-Nonce).</summary>
    public bool? RequireDpopNonce { get; set; }
    /// <summary>Transaction tokens (draft-ietf-oauth-transaction-tokens-10): whether the app may be issued them, may replace them, and their lifetime.</summary>
    public TransactionTokensModel? TransactionTokens { get; set; }
}

public sealed class TransactionTokensModel
{
    /// <summary>The app (an edge workload) may exchange a subject token for a transaction token.</summary>
    public bool Issue { get; set; }

    /// <summary>The app (a workload inside the trust domain) may replace a transaction token it was handed.</summary>
    public bool Replace { get; set; }

    /// <summary>How long the app's transaction tokens live: default one minute, at most an hour.</summary>
    public string Lifetime { get; set; } = "00:01:00";
}

public sealed class IntrospectionPolicyModel
{
    public List<string> Audiences { get; set; } = [];
}

public sealed class TlsClientAuthModel
{
    /// <summary><c>tls_client_auth</c>: the certificate's subject DN, e.g. <c>CN=orders-service, O=Example</c>.</summary>
    public string? SubjectDn { get; set; }

    /// <summary><c>tls_client_auth</c>: a DNS subject alternative name, instead of the subject DN.</summary>
    public string? SanDns { get; set; }

    /// <summary><c>self_signed_tls_client_auth</c>: the registered certificates' <c>x5t#S256</c> (base64url SHA-256 of the DER).</summary>
    public List<string> CertificateThumbprints { get; set; } = [];
}

/// <summary>An app's budgets per silo; 0 (the default) turns one off. See README, rate limits.</summary>
public sealed class RateLimitsModel
{
    public int RequestsPerSecond { get; set; }
    public int Burst { get; set; }
    public int InvalidTokensPerMinute { get; set; }
}

public sealed class RefreshTokensModel
{
    public bool Enabled { get; set; }
    public string Lifetime { get; set; } = "1.00:00:00";

    /// <summary>How long a family of rotated tokens may last from its exchange; default 30 days (or the lifetime, where longer).</summary>
    public string? AbsoluteLifetime { get; set; }
}

public sealed class TokenExchangeModel
{
    public bool Enabled { get; set; }
    public bool RequireSecret { get; set; } = true;
}

public sealed class AccessTokenModel
{
    public string Format { get; set; } = "jwt";
    public string Lifetime { get; set; } = "00:05:00";
    public bool MayOutliveSubjectToken { get; set; }
}

public sealed class HandlerModel
{
    public string? Name { get; set; }
    public string? Label { get; set; }
    public string? Description { get; set; }
    public string Implementation { get; set; } = "jwt";
    public bool Enabled { get; set; } = true;
    public List<string> AcceptedTokenTypes { get; set; } = [];
    public string? Issuer { get; set; }

    /// <summary>Trust the cluster's built-in dev issuer instead of <see cref="Issuer"/> and <see cref="Jwks"/>.</summary>
    public bool DevIssuer { get; set; }

    public JwksModel? Jwks { get; set; }

    /// <summary>What <c>txctl get</c> shows instead of inline keys; in an apply it keeps the stored ones (see <see cref="StoredDefinitions"/>).</summary>
    public bool InlineKeys { get; set; }

    public List<string> Audiences { get; set; } = [];
    public List<string> Algorithms { get; set; } = ["ES256", "RS256"];
    public string ClockSkew { get; set; } = "00:00:30";

    /// <summary>Longest lifetime a subject token may have (exp - iat; without iat, exp - now).</summary>
    public string MaxTokenLifetime { get; set; } = "1.00:00:00";

    /// <summary>IdP clients (azp / client_id) a subject token must have been issued to; empty: any.</summary>
    public List<string> AuthorizedParties { get; set; } = [];

    public UserMappingModel UserMapping { get; set; } = new();

    /// <summary>Claims of the IdP's tokens it verifies (nobody chooses their value), beyond sub and a verified email.</summary>
    public List<string> VerifiedClaims { get; set; } = [];

    /// <summary>Which claim gives a user created by an exchange which attribute; no others are taken.</summary>
    public UserAttributesModel UserAttributes { get; set; } = new();

    public List<HandlerAppModel> Apps { get; set; } = [];

    /// <summary>Settings passed to a custom implementation as they are.</summary>
    public Dictionary<string, string> Settings { get; set; } = [];

    /// <summary>Time budget of each call into the implementation.</summary>
    public string Timeout { get; set; } = "00:00:05";

    /// <summary>The IdP's endpoint of an <c>implementation: introspection</c> handler.</summary>
    public IntrospectionModel? Introspection { get; set; }

    /// <summary>Development only: jwks.uri and introspection.endpoint may be http:// to a host that is not loopback.</summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>A jwt handler's verified-token cache; absent: on, with its defaults.</summary>
    public ValidationCacheModel? ValidationCache { get; set; }
}

public sealed class ValidationCacheModel
{
    public string MaxAge { get; set; } = "00:05:00";

    /// <summary>Per handler and silo; 0 turns the cache off.</summary>
    public int MaxEntries { get; set; } = 100_000;
}

public sealed class IntrospectionModel
{
    public string? Endpoint { get; set; }

    /// <summary>Our client id and secret at the IdP (kept as they are: they are sent, not checked).</summary>
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    /// <summary>Call an OIDC userinfo endpoint (GET, token as Bearer) instead of RFC 7662 introspection.</summary>
    public bool Userinfo { get; set; }

    public string? Issuer { get; set; }
    public string NegativeCacheFor { get; set; } = "00:00:05";
    public string MaxCacheFor { get; set; } = "00:05:00";
    public int MaxCacheEntries { get; set; } = 100_000;
}

public sealed class JwksModel
{
    public string? Uri { get; set; }
    public List<Dictionary<string, object>>? Keys { get; set; }
    public string? RefreshCooldown { get; set; }
}

public sealed class UserMappingModel
{
    public string Claim { get; set; } = "sub";
    public string Attribute { get; set; } = "federationId";

    /// <summary>Whether a subject without a link may be linked to an existing user whose attribute matches the verified claim.</summary>
    public bool LinkExisting { get; set; }
}

public sealed class UserAttributesModel
{
    public string? Username { get; set; }
    public string? Email { get; set; }
    public string? FederationId { get; set; }
    public string? DisplayName { get; set; }
}

public sealed class HandlerAppModel
{
    public string? ClientId { get; set; }
    public bool Default { get; set; }
    public bool AllowUserCreation { get; set; }
    public string? RunAs { get; set; }
}

public sealed class UserModel
{
    public string? Id { get; set; }
    public string? Username { get; set; }
    public string? Email { get; set; }
    public string? FederationId { get; set; }
    public string? DisplayName { get; set; }
    public bool Enabled { get; set; } = true;
}
