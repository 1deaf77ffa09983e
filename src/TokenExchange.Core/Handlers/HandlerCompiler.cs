using Microsoft.Extensions.Logging;
using TokenExchange.Definitions;
using TokenExchange.Tokens;

namespace TokenExchange.Handlers;

/// <summary>Builds <see cref="CompiledHandler"/>s from definitions, with what they need from the silo.</summary>
public sealed class HandlerCompiler(HttpClient http, DevIssuer? devIssuer, JwksCachePolicy jwksPolicy, TimeProvider time, ILoggerFactory loggers)
{
    /// <summary>Compiles a definition; <paramref name="reuseKeys"/> keeps an existing key cache when the trust did not change.</summary>
    public CompiledHandler Compile(HandlerDefinition definition, IKeySource? reuseKeys = null)
    {
        if (definition.Implementation != HandlerImplementations.Jwt)
            throw new InvalidOperationException($"handler {definition.Name}: unknown implementation '{definition.Implementation}'");
        var trust = definition.Trust;
        string issuer;
        IKeySource keys;
        if (trust.DevIssuer)
        {
            if (devIssuer is null) throw new InvalidOperationException($"handler {definition.Name} trusts the dev issuer, which is not enabled");
            issuer = devIssuer.Issuer;
            keys = reuseKeys ?? new StaticKeySource([devIssuer.Key.SecurityKey]);
        }
        else
        {
            issuer = trust.Issuer!;
            keys = reuseKeys ?? (trust.InlineJwks is { } inline
                ? StaticKeySource.FromJwks(inline)
                : new HttpJwksKeySource(new Uri(trust.JwksUri!), http, jwksPolicy with { RefreshCooldown = trust.JwksRefreshCooldown ?? jwksPolicy.RefreshCooldown }, time, loggers.CreateLogger<HttpJwksKeySource>()));
        }
        var validator = new JwtSubjectTokenValidator(issuer, trust.Audiences, trust.Algorithms, trust.ClockSkew, keys, time);
        return new CompiledHandler(definition, validator) { Keys = keys };
    }
}
