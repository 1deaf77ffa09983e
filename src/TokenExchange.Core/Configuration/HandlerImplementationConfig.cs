using TokenExchange.Definitions;

namespace TokenExchange.Configuration;

/// <summary>
/// What one implementation (<c>jwt</c>, <c>introspection</c>, or an operator's .NET class) reads of a handler's
/// section: the token types it can validate, and its own trust settings, checked. A setting of another
/// implementation is refused by name rather than ignored.
/// </summary>
internal abstract class HandlerImplementationConfig
{
    /// <summary>The mapper of the handler's <c>implementation:</c>; a name that is none of them is a problem (and read as a plugin).</summary>
    public static HandlerImplementationConfig Of(HandlerModel m, string at, List<string> problems) => m.Implementation switch
    {
        HandlerImplementations.Jwt => JwtHandlerConfig.Instance,
        HandlerImplementations.Introspection => IntrospectionHandlerConfig.Instance,
        _ => PluginHandlerConfig.For(m, at, problems),
    };

    /// <summary>Why this implementation cannot validate the (normalized) token type; null when it can.</summary>
    public abstract string? TokenTypeProblem(string normalized, string type, string at);

    /// <summary>The implementation's own settings, checked.</summary>
    /// <param name="storedInlineJwks">What <c>inlineKeys: true</c> keeps (see <see cref="StoredDefinitions"/>); null without it.</param>
    public abstract ImplementationTrust Map(HandlerModel m, string at, List<string> problems, StoredDefinitions stored, string? storedInlineJwks);

    protected static void RefuseIntrospectionSection(HandlerModel m, string at, List<string> problems)
    {
        if (m.Introspection is not null)
            problems.Add($"{at}.introspection is a setting of the introspection implementation, not of '{m.Implementation}'");
    }

    protected static void RefuseValidationCache(HandlerModel m, string at, List<string> problems)
    {
        if (m.ValidationCache is not null)
            problems.Add($"{at}.validationCache is a setting of the jwt implementation (an introspection handler's answers are cached by introspection.maxCacheFor and maxCacheEntries)");
    }

    protected static void RefuseAuthorizedParties(HandlerModel m, string at, List<string> problems)
    {
        if (m.AuthorizedParties.Count > 0)
            problems.Add($"{at}.authorizedParties is a setting of the jwt implementation");
    }
}

/// <summary>The trust an implementation's own settings add to the handler: inline IdP keys, an introspection endpoint, a jwt handler's verified-token cache.</summary>
internal sealed record ImplementationTrust(string? InlineJwks, IntrospectionTrust? Introspection, ValidationCachePolicy? ValidationCache = null);
