using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Handlers;
using TokenExchange.Sessions;
using TokenExchange.Tokens;

namespace TokenExchange.Abstractions.Tests.Serialization.Golden;

/// <summary>
/// One instance of each record moved out of the Orleans layer into Core, every field set to a value other than
/// its default, so a field the serialization dropped or renumbered would show. The fixtures
/// (<c>golden.json</c>) hold the bytes main's Orleans-generated codecs wrote for exactly these instances.
/// </summary>
public static class GoldenSamples
{
    private static readonly DateTimeOffset At = new(2026, 11, 29, 19, 45, 12, TimeSpan.Zero);

    public static UserRecord User { get; } = new()
    {
        Id = "u-1",
        Username = "ada",
        Email = "ada@example.com",
        FederationId = "fed-1",
        DisplayName = "Ada L",
        Enabled = false,
    };

    public static OAuthError Error { get; } = new("invalid_grant", "no", "the exact cause", TimeSpan.FromSeconds(3));

    public static HandlerAppEnablement Enablement { get; } = new() { ClientId = "orders", Default = true, AllowUserCreation = true, RunAs = "ops" };

    public static AppDefinition App { get; } = new()
    {
        ClientId = "orders",
        SecretHashes = ["sha256:abc", "sha256:def"],
        TokenExchangeEnabled = true,
        RequireSecret = false,
        AllowedScopes = ["api", "openid"],
        AllowedAudiences = ["https://orders.example"],
        AccessToken = new AccessTokenPolicy { Format = AccessTokenFormats.Opaque, Lifetime = TimeSpan.FromMinutes(7), MayOutliveSubjectToken = true },
        Kind = AppKinds.ExternalClientApp,
        Label = "Orders",
        RefreshTokens = new RefreshTokenPolicy { Enabled = true, Lifetime = TimeSpan.FromHours(3), AbsoluteLifetime = TimeSpan.FromDays(9) },
        TokenEndpointAuthMethod = ClientAuthMethods.TlsClientAuth,
        TlsClientAuth = new TlsClientAuthPolicy { SubjectDn = "CN=orders", SanDns = "orders.example", Thumbprints = ["t1", "t2"] },
        RateLimits = new RateLimitPolicy { RequestsPerSecond = 5, Burst = 9, InvalidTokensPerMinute = 11 },
        SecretHints = ["…abc"],
        Introspection = new IntrospectionPolicy { Audiences = ["https://api.example"] },
    };

    public static HandlerDefinition Handler { get; } = new()
    {
        Name = "partner-idp",
        Label = "Partner",
        Description = "The partner's IdP",
        Implementation = HandlerImplementations.Introspection,
        Enabled = false,
        AcceptedTokenTypes = [TokenTypes.Jwt, TokenTypes.AccessToken],
        Trust = new JwtTrust
        {
            Issuer = "https://idp.example",
            JwksUri = "https://idp.example/jwks",
            InlineJwks = "{\"keys\":[]}",
            Audiences = ["tx"],
            Algorithms = ["PS256"],
            ClockSkew = TimeSpan.FromSeconds(7),
            DevIssuer = true,
            JwksRefreshCooldown = TimeSpan.FromSeconds(3),
            MaxTokenLifetime = TimeSpan.FromHours(2),
            AuthorizedParties = ["azp-1"],
        },
        UserMapping = new UserMappingRule
        {
            Claim = "email",
            Attribute = UserField.Email,
            LinkExisting = true,
            VerifiedClaims = ["email"],
            UserAttributes = new UserAttributeClaims { Username = "preferred_username", Email = "email", FederationId = "oid", DisplayName = "name" },
        },
        Enablements = [Enablement, new HandlerAppEnablement { ClientId = "billing" }],
        Settings = new Dictionary<string, string> { ["tenant"] = "t-1" },
        Timeout = TimeSpan.FromSeconds(9),
        Introspection = new IntrospectionTrust
        {
            Endpoint = "https://idp.example/introspect",
            ClientId = "tx",
            ClientSecret = "s3cret",
            UseUserinfo = true,
            Issuer = "https://idp.example",
            NegativeCacheFor = TimeSpan.FromSeconds(2),
            MaxCacheFor = TimeSpan.FromMinutes(1),
            MaxCacheEntries = 10,
        },
        AllowInsecureHttp = true,
    };

    public static ExternalIdentity Link { get; } = new("partner-idp", "https://idp.example", "sub-1");

    public static ValidatedSubject Subject { get; } = new()
    {
        Subject = "sub-1",
        Issuer = "https://idp.example",
        Claims = new Dictionary<string, string> { ["email"] = "ada@example.com" },
        Username = "ada",
        Email = "ada@example.com",
        DisplayName = "Ada L",
        FederationId = "fed-1",
        ExpiresAt = At,
        EmailVerified = true,
    };

    public static RefreshGrant Grant { get; } = new()
    {
        ClientId = "orders",
        HandlerName = "partner-idp",
        Scopes = ["api"],
        Audiences = ["https://orders.example"],
        Act = "{\"sub\":\"svc\"}",
        NotAfter = At.AddHours(1),
    };

    public static SubjectUserRequest UserRequest { get; } = new()
    {
        HandlerName = "partner-idp",
        ClientId = "orders",
        AllowUserCreation = true,
        Subject = Subject,
        Refresh = Grant,
        RefreshLifetime = TimeSpan.FromHours(1),
        RefreshAbsoluteLifetime = TimeSpan.FromDays(2),
        RequestId = "req-1",
    };

    public static UserResolution Resolution { get; } = new(User, Error, Created: true) { RefreshToken = "rt-1", RefreshExpiresAt = At };

    public static RefreshResult Refreshed { get; } = new("rt-2", User, Grant, Error, At);

    public static OpaqueAccessToken Opaque { get; } = new("{\"sub\":\"u-1\"}", "orders", "u-1", At, At.AddMinutes(5), Revoked: true, SessionKey: "partner-idp|iss|sub");

    public static SigningKeySet Keys { get; } = new(3, [new SigningKeyEntry("kid-1", "protected", At, At.AddMinutes(5), At.AddDays(30))]);

    public static ClientCertificate Certificate { get; } = new() { Thumbprint = "x5t", SubjectDn = "CN=orders", DnsNames = ["orders.example"], IssuedByTrustedCa = true };

    public static ExchangeRequest Exchange { get; } = new()
    {
        ClientId = "orders",
        ClientSecret = "secret",
        SubjectToken = "a.b.c",
        SubjectTokenType = TokenTypes.Jwt,
        ActorToken = "d.e.f",
        ActorTokenType = TokenTypes.Jwt,
        RequestedTokenType = TokenTypes.AccessToken,
        Scopes = ["api"],
        Audiences = ["aud"],
        Resources = ["https://r.example"],
        TokenHandler = "partner-idp",
        ClientAddress = "10.0.0.1",
        ClientCertificate = Certificate,
    };

    public static RefreshRequest Refresh { get; } = new()
    {
        ClientId = "orders",
        ClientSecret = "secret",
        RefreshToken = "rt-1",
        Scopes = ["api"],
        ClientAddress = "10.0.0.1",
        ClientCertificate = Certificate,
    };

    public static IssuedTokens Tokens { get; } = new()
    {
        AccessToken = "at",
        IssuedTokenType = TokenTypes.AccessToken,
        TokenType = "Bearer",
        ExpiresIn = 300,
        Scope = "api",
        RefreshToken = "rt",
        IdToken = "id",
    };

    public static ExchangeOutcome Outcome { get; } = new() { Tokens = Tokens, Error = Error, UserId = "u-1" };

    public static AuthorizedExchange Authorized { get; } = new()
    {
        App = App,
        Enablement = Enablement,
        HandlerName = "partner-idp",
        SubjectToken = "a.b.c",
        SubjectTokenType = TokenTypes.Jwt,
        RequestedTokenType = TokenTypes.AccessToken,
        Scopes = ["api"],
        Audiences = ["aud"],
        ActorToken = "d.e.f",
        ActorTokenType = TokenTypes.Jwt,
        IssueRefreshToken = true,
        CertificateThumbprint = "x5t",
    };

    /// <summary>Name → (instance, the type it is serialized as). As <c>object</c>, the bytes carry the type's alias.</summary>
    public static IReadOnlyList<(string Name, object Value, Type As)> All { get; } =
    [
        ("UserRecord", User, typeof(UserRecord)),
        ("OAuthError", Error, typeof(OAuthError)),
        ("AppDefinition", App, typeof(AppDefinition)),
        ("HandlerDefinition", Handler, typeof(HandlerDefinition)),
        ("ExternalIdentity", Link, typeof(ExternalIdentity)),
        ("SubjectUserRequest", UserRequest, typeof(SubjectUserRequest)),
        ("UserResolution", Resolution, typeof(UserResolution)),
        ("RefreshResult", Refreshed, typeof(RefreshResult)),
        ("RefreshTokenPolicy", App.RefreshTokens, typeof(RefreshTokenPolicy)),
        ("OpaqueAccessToken", Opaque, typeof(OpaqueAccessToken)),
        ("SigningKeySet", Keys, typeof(SigningKeySet)),
        ("ExchangeRequest", Exchange, typeof(ExchangeRequest)),
        ("RefreshRequest", Refresh, typeof(RefreshRequest)),
        ("ExchangeOutcome", Outcome, typeof(ExchangeOutcome)),
        ("AuthorizedExchange", Authorized, typeof(AuthorizedExchange)),
        ("UserAttribute", UserField.Username, typeof(UserField)), // fixtures keep the name of the enum that wrote them (Core's UserAttribute, now the SDK's UserField)
        ("UserRecord as object", User, typeof(object)),
        ("AppDefinition as object", App, typeof(object)),
        ("OAuthError as object", Error, typeof(object)),
        ("UserAttribute as object", UserField.Email, typeof(object)),
        ("Links array", new[] { Link, Link }, typeof(ExternalIdentity[])),
    ];
}
