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
/// <item>per client address (an IPv6 address by its /64, <see cref="AddressBudgetKey"/>), for every request (<see cref="RateLimitOptions.PerAddressRequestsPerSecond"/>);</item>
/// <item>per app, for requests that authenticated as the app (<see cref="RateLimitPolicy.RequestsPerSecond"/>),
/// so knowing a client_id is not enough to spend an app's budget;</item>
/// <item>per app and client address, for subject tokens the handler refused (<see cref="RateLimitPolicy.InvalidTokensPerMinute"/>):
/// once spent, that app and address are refused before their tokens are validated.</item>
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

    /// <summary>Null when the request may go on; else the refusal (temporarily_unavailable with RetryAfter).</summary>
    public OAuthError? Admit(AppDefinition? app, string? clientAddress, bool checkInvalidTokens)
    {
        var address = AddressBudgetKey.For(clientAddress);
        if (checkInvalidTokens && app is { RateLimits.InvalidTokensPerMinute: > 0 and var perMinute }
            && InvalidTokens.Find((app.ClientId, address), perMinute, perMinute / 60.0) is { } invalid)
        {
            using var peek = invalid.AttemptAcquire(0);
            if (!peek.IsAcquired) return Refuse(peek, app, InvalidTokenKind, "too many invalid tokens from this client and address");
        }
        if (options.PerAddressRequestsPerSecond is > 0 and var perAddress)
        {
            using var lease = Addresses.Get(address, perAddress, perAddress).AttemptAcquire();
            if (!lease.IsAcquired) return Refuse(lease, app, AddressKind, "too many requests from this address");
        }
        if (app is { RateLimits.RequestsPerSecond: > 0 and var perSecond })
        {
            using var lease = Apps.Get(app.ClientId, app.RateLimits.EffectiveBurst, perSecond).AttemptAcquire();
            if (!lease.IsAcquired) return Refuse(lease, app, AppKind, "too many requests for this client");
        }
        return null;
    }

    /// <summary>The handler refused a token of this app from this address: spends from the invalid-token budget.</summary>
    public void InvalidToken(AppDefinition? app, string? clientAddress)
    {
        if (app is not { RateLimits.InvalidTokensPerMinute: > 0 and var perMinute }) return;
        using var _ = InvalidTokens.Get((app.ClientId, AddressBudgetKey.For(clientAddress)), perMinute, perMinute / 60.0).AttemptAcquire();
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
