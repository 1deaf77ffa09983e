using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Bench.Shared;

/// <summary>
/// The benchmark's one app and one trusted issuer, the same for the cluster, the peers and the load
/// generator. <see cref="ToClusterYaml"/> is the cluster's configuration file (see config/dev.yaml): the app,
/// and a <c>jwt</c> handler trusting the subject-token key inline, allowed to create users.
/// </summary>
public sealed record BenchConfig
{
    public string ClientId { get; init; } = "bench-app";
    public string ClientSecret { get; init; } = "bench-secret-0123456789abcdef";
    public string HandlerName { get; init; } = "bench-idp";
    public string SubjectIssuer { get; init; } = "https://idp.bench.example";
    public string SubjectAudience { get; init; } = "token-exchange";
    public string TokenAudience { get; init; } = "https://orders.example";
    public string Scope { get; init; } = "api";

    /// <summary>The handler's verified-token cache (<c>validationCache</c>), when a case sizes it; else the server's default.</summary>
    public (TimeSpan MaxAge, int MaxEntries)? ValidationCache { get; init; }

    public string ToClusterYaml(IReadOnlyDictionary<string, string> subjectJwk)
    {
        var handler = new Dictionary<string, object>
        {
            ["name"] = HandlerName,
            ["implementation"] = "jwt",
            ["acceptedTokenTypes"] = new[] { "access_token", "jwt" },
            ["issuer"] = SubjectIssuer,
            ["jwks"] = new Dictionary<string, object> { ["keys"] = new[] { subjectJwk } },
            ["audiences"] = new[] { SubjectAudience },
            ["algorithms"] = new[] { "ES256" },
            ["userMapping"] = new Dictionary<string, object> { ["claim"] = "sub", ["attribute"] = "federationId" },
            ["apps"] = new[] { new Dictionary<string, object> { ["clientId"] = ClientId, ["default"] = true, ["allowUserCreation"] = true } },
        };
        if (ValidationCache is { } cache)
            handler["validationCache"] = new Dictionary<string, object> { ["maxAge"] = cache.MaxAge.ToString("c", System.Globalization.CultureInfo.InvariantCulture), ["maxEntries"] = cache.MaxEntries };
        var document = new Dictionary<string, object>
        {
            ["apps"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["clientId"] = ClientId,
                    ["clientSecret"] = ClientSecret,
                    ["tokenExchange"] = new Dictionary<string, object> { ["enabled"] = true, ["requireSecret"] = true },
                    ["allowedScopes"] = new[] { Scope },
                    ["allowedAudiences"] = new[] { TokenAudience },
                    ["accessToken"] = new Dictionary<string, object> { ["format"] = "jwt", ["lifetime"] = "00:05:00" },
                    // Transaction tokens for their case (bench/Runner/Cases/TransactionTokensCase.cs): issued and replaced, living
                    // longer than any one load run, so the tokens a run replaces never expire within it.
                    ["transactionTokens"] = new Dictionary<string, object> { ["issue"] = true, ["replace"] = true, ["lifetime"] = "00:10:00" },
                },
            },
            ["handlers"] = new[] { handler },
        };
        var header = "# Written by the benchmark runner (bench/Runner): one app, one jwt handler trusting the benchmark's subject-token key.\n";
        return header + new SerializerBuilder().WithNamingConvention(NullNamingConvention.Instance).Build().Serialize(document);
    }
}
