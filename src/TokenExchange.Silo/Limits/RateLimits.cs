using System.Globalization;
using System.Threading.RateLimiting;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;

namespace TokenExchange.Silo.Limits;

/// <summary>
/// The request budgets every front door passes through (exchange, refresh, introspection and revocation,
/// over gRPC unary, gRPC streaming and HTTP alike, since all of them call <see cref="ExchangeFrontDoor"/>
/// or <see cref="TokenInspection"/>). Three budgets, each a token bucket in this silo's memory:
/// <list type="bullet">
/// <item>per client address (an IPv6 address by its /64, <see cref="AddressBudgetKey"/>), for every request, before its
/// client is authenticated (<see cref="RateLimitOptions.PerAddressRequestsPerSecond"/>);</item>
/// <item>per app, for requests that authenticated as the app (<see cref="RateLimitPolicy.RequestsPerSecond"/>),
/// so knowing a client_id is not enough to spend an app's budget;</item>
/// <item>per app and client address, for subject and refresh tokens and client assertions refused
/// (<see cref="RateLimitPolicy.InvalidTokensPerMinute"/>): once spent, that app and address are refused before their
/// client is authenticated or their tokens are validated.</item>
/// </list>
/// Per silo, on purpose: a cluster-wide count would cost a cross-silo call per request. Behind a load
/// balancer that spreads evenly, N silos give an app up to N times its budget. The client address is the
/// real caller's: the front doors resolve it behind trusted proxies (<c>--trusted-proxies</c>) before it gets here.
/// </summary>
public sealed class RateLimits
{
    /// <summary>Tests register a <see cref="TimeProvider"/> under this key to move the buckets' time.</summary>
    public const string ClockKey = "ratelimits";

    public const string AddressKind = "address";
    public const string AppKind = "app";
    public const string InvalidTokenKind = "invalid_token";

    private readonly RateLimitOptions options;
    private readonly TokenExchangeMetrics? metrics;

    public RateLimits(RateLimitOptions options, TimeProvider time, TokenExchangeMetrics? metrics)
    {
        this.options = options;
        Addresses = new BoundedBuckets<string>(options.MaxTrackedAddresses, time);
        Apps = new BoundedBuckets<string>(options.MaxTrackedApps, time);
        InvalidTokens = new BoundedBuckets<(string App, string Address)>(options.MaxTrackedAddresses, time);
        this.metrics = metrics;
    }

    public BoundedBuckets<string> Addresses { get; }
    public BoundedBuckets<string> Apps { get; }
    public BoundedBuckets<(string App, string Address)> InvalidTokens { get; }

    /// <summary>
    /// The app a request may be charged to: the one it authenticated as (by secret, certificate or client assertion;
    /// each operation authenticates once, for its budgets and for itself), when that app has budgets. A request that
    /// fails authentication is charged to its address only.
    /// </summary>
    public static AppDefinition? ChargeableApp(AppDefinition? authenticated) =>
        authenticated is { RateLimits: { RequestsPerSecond: 0, InvalidTokensPerMinute: 0 } } ? null : authenticated;

    /// <summary>
    /// The registered app a request names by its client id, before it is authenticated: only its invalid-token budget
    /// at the request's own address is read for it (<see cref="Admit"/>), never its request budget.
    /// </summary>
    public static AppDefinition? NamedApp(DefinitionSnapshot definitions, string? clientId) =>
        clientId is not null && definitions.Apps.TryGetValue(clientId, out var app) ? app : null;

    /// <summary>
    /// The budgets a request passes before its client is authenticated, since authenticating can be dear (a client
    /// assertion costs a signature check and a cluster-wide grain call for its jti; a secret a hash): the invalid-token
    /// budget of the app it names at this address (only read: refusals spend it, <see cref="InvalidToken"/>), then the
    /// address budget. Null when the request may go on; else the refusal (temporarily_unavailable with RetryAfter).
    /// </summary>
    /// <param name="named">The registered app the request names (<see cref="NamedApp"/>), authenticated or not.</param>
    public OAuthError? Admit(AppDefinition? named, string? clientAddress, bool checkInvalidTokens)
    {
        var address = AddressBudgetKey.For(clientAddress);
        if (checkInvalidTokens && named is { RateLimits.InvalidTokensPerMinute: > 0 and var perMinute }
            && InvalidTokens.Find((named.ClientId, address), perMinute, perMinute / 60.0) is { } invalid)
        {
            using var peek = invalid.AttemptAcquire(0);
            if (!peek.IsAcquired) return Refuse(peek, named, InvalidTokenKind, "too many invalid tokens from this client and address");
        }
        if (options.PerAddressRequestsPerSecond is > 0 and var perAddress)
        {
            using var lease = Addresses.Get(address, perAddress, perAddress).AttemptAcquire();
            if (!lease.IsAcquired) return Refuse(lease, named, AddressKind, "too many requests from this address");
        }
        return null;
    }

    /// <summary>
    /// The budget a request passes once authenticated: the request budget of the app it authenticated as
    /// (<see cref="ChargeableApp"/>; null, for a request that did not authenticate, passes). Null when the request may go on.
    /// </summary>
    public OAuthError? AdmitAuthenticated(AppDefinition? app)
    {
        if (app is not { RateLimits.RequestsPerSecond: > 0 and var perSecond }) return null;
        using var lease = Apps.Get(app.ClientId, app.RateLimits.EffectiveBurst, perSecond).AttemptAcquire();
        return lease.IsAcquired ? null : Refuse(lease, app, AppKind, "too many requests for this client");
    }

    /// <summary>
    /// A token of this app from this address was refused (a subject, actor or refresh token, or the app's client
    /// assertion, <see cref="RefusedAssertion"/>): spends from the invalid-token budget.
    /// </summary>
    public void InvalidToken(AppDefinition? app, string? clientAddress)
    {
        if (app is not { RateLimits.InvalidTokensPerMinute: > 0 and var perMinute }) return;
        using var _ = InvalidTokens.Get((app.ClientId, AddressBudgetKey.For(clientAddress)), perMinute, perMinute / 60.0).AttemptAcquire();
    }

    /// <summary>
    /// A client assertion refused for an app that authenticates with assertions (a forged or foreign signature, a replayed
    /// jti, a failed claim check) spends that app's invalid-token budget at this address, as a refused subject token does:
    /// guessing or replaying assertions is the same attack, and the dearest to check. Only at the caller's own address, so
    /// a caller elsewhere cannot spend it. A wrong secret spends nothing of the app's (a hash, and the app's secrets are
    /// checked as before), nor an assertion an app of another method never verifies; keys that cannot be fetched
    /// (temporarily_unavailable) are no refusal.
    /// </summary>
    public void RefusedAssertion(AppDefinition? named, ClientAssertion? assertion, OAuthError? authenticationError, string? clientAddress)
    {
        if (assertion is not null && authenticationError is { Code: OAuthErrorCodes.InvalidClient }
            && named is not null && ClientAuthMethods.IsClientAssertion(named.TokenEndpointAuthMethod))
            InvalidToken(named, clientAddress);
    }

    private OAuthError Refuse(RateLimitLease lease, AppDefinition? app, string kind, string what)
    {
        // The app tag only for registered apps: a caller's made-up client_id must not become a metric series.
        metrics?.RateLimitRejection(app?.ClientId ?? "unknown", kind);
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return new OAuthError(OAuthErrorCodes.TemporarilyUnavailable, $"{what}; retry after {seconds} seconds", $"rate limit: {kind}", retryAfter);
    }
}
