using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using TokenExchange.Clients;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// The key sources of client assertions, one per distinct key set the definitions name (an app's inline JWKS, a JWKS
/// URI, a federated issuer's discovery), kept across requests so each is fetched and cached as a handler's JWKS is
/// (<see cref="HttpJwksKeySource"/>). What is cached is named by configuration only, never by a token; a key set no
/// longer named stays until <see cref="MaxSources"/> sources are held, when all are dropped and fetched again as needed.
/// </summary>
public sealed class ClientAssertionKeySources(HttpClient http, JwksCachePolicy policy, TimeProvider time, ILoggerFactory loggers, TokenExchangeMetrics metrics) : IClientAssertionKeys
{
    /// <summary>The jwks.fetches metric's handler tag for these fetches (bounded, unlike client ids).</summary>
    public const string MetricName = "client_assertions";

    public const int MaxSources = 10_000;

    private readonly ConcurrentDictionary<(string Kind, string Value), IKeySource> sources = new();

    public IKeySource ForApp(AppDefinition app)
    {
        var policy = app.ClientAssertions ?? throw new InvalidOperationException($"app {app.ClientId} has no client assertion keys");
        return policy.Jwks is { } inline
            ? Get(("inline", inline), () => StaticKeySource.FromJwks(inline))
            : Get(("jwks", policy.JwksUri!), () => Http(policy.JwksUri!));
    }

    public IKeySource ForIssuer(FederatedCredential credential) => credential.JwksUri is { } uri
        ? Get(("jwks", uri), () => Http(uri))
        : Get(("discovery", credential.Issuer), () => new OidcDiscoveryKeySource(credential.Issuer, http, policy, time, loggers, metrics, MetricName));

    private IKeySource Http(string uri) => new HttpJwksKeySource(new Uri(uri), http, policy, time, loggers.CreateLogger<HttpJwksKeySource>(), metrics, MetricName);

    private IKeySource Get((string, string) key, Func<IKeySource> create)
    {
        if (sources.TryGetValue(key, out var source)) return source;
        if (sources.Count >= MaxSources) sources.Clear();
        return sources.GetOrAdd(key, _ => create());
    }
}
