using Microsoft.Extensions.Logging;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Handlers;
using TokenExchange.Tokens;

namespace TokenExchange.Core.Handlers;

/// <summary>Builds <see cref="CompiledHandler"/>s from definitions, with what they need from the silo.</summary>
public sealed class HandlerCompiler(HttpClient http, DevIssuer? devIssuer, JwksCachePolicy jwksPolicy, HandlerTypeCatalog plugins, TimeProvider time, ILoggerFactory loggers, TokenExchangeMetrics metrics)
{
    /// <summary>
    /// Compiles a definition; <paramref name="reuseKeys"/> keeps an existing key cache, <paramref name="reuseAnswers"/>
    /// an introspection handler's cached answers, <paramref name="reuseVerified"/> a jwt handler's verified tokens, when the
    /// trust did not change.
    /// </summary>
    /// <exception cref="InvalidOperationException">The definition cannot run: the message says why.</exception>
    public CompiledHandler Compile(HandlerDefinition definition, IKeySource? reuseKeys = null, IntrospectionCache? reuseAnswers = null, VerifiedTokenCache? reuseVerified = null)
    {
        if (definition.IsIntrospection)
        {
            var introspection = new IntrospectionImplementation(definition, http, time, loggers.CreateLogger<IntrospectionImplementation>(), metrics, reuseAnswers);
            return new CompiledHandler(definition, introspection, metrics) { Introspection = introspection.Cache };
        }
        if (definition.IsPlugin)
        {
            var handler = plugins.Create(definition.Implementation);
            var services = new HandlerServices
            {
                Http = http,
                Logger = loggers.CreateLogger($"TokenExchange.Handlers.{definition.Name}"),
                Time = time,
                Settings = definition.Settings,
            };
            return new CompiledHandler(definition, new PluginImplementation(definition, handler, services, time, loggers.CreateLogger<PluginImplementation>(), metrics), metrics);
        }
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
                : new HttpJwksKeySource(new Uri(trust.JwksUri!), http, jwksPolicy with { RefreshCooldown = trust.JwksRefreshCooldown ?? jwksPolicy.RefreshCooldown }, time, loggers.CreateLogger<HttpJwksKeySource>(), metrics, definition.Name));
        }
        var verified = trust.ValidationCache.Enabled ? reuseVerified ?? new VerifiedTokenCache(trust.ValidationCache, definition.Name, time, metrics) : null;
        var validator = new JwtSubjectTokenValidator(issuer, trust.Audiences, trust.Algorithms, trust.ClockSkew, keys, time, trust.MaxTokenLifetime, trust.AuthorizedParties, verified);
        return new CompiledHandler(definition, new JwtImplementation(validator, definition.UserMapping), metrics) { Keys = keys, VerifiedTokens = verified };
    }

    /// <summary>Whether a definition's implementation can be loaded; null when it can, else why not.</summary>
    public string? CheckImplementation(HandlerDefinition definition)
    {
        if (!definition.IsPlugin) return null;
        try
        {
            plugins.Create(definition.Implementation);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return $"handler '{definition.Name}': {e.Message}";
        }
    }
}
