using TokenExchange.Definitions;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// Choose the handler: the one the request names in <c>token_handler</c>, else the app's default. It must exist,
/// be enabled for this app (an enablement, which also says whether users may be created), and be enabled itself.
/// The refresh grant asks the same of the handler its token was issued through (<see cref="EnablementFor"/>).
/// </summary>
public static class HandlerChoice
{
    public static OAuthError? Choose(DefinitionSnapshot definitions, AppDefinition app, string? tokenHandler, out HandlerDefinition handler, out HandlerAppEnablement enablement)
    {
        handler = null!;
        enablement = null!;
        var name = string.IsNullOrEmpty(tokenHandler) ? null : tokenHandler;
        if (name is null && !definitions.DefaultHandlers.TryGetValue(app.ClientId, out name))
            return Errors.InvalidRequest("no token_handler given and the client has no default handler");
        if (!definitions.Handlers.TryGetValue(name, out var named))
            return Errors.InvalidRequest("unknown token_handler");
        if (Enablement(named, app.ClientId) is not { } enabled)
            return Errors.UnauthorizedClient("the token handler is not enabled for this client");
        if (!named.Enabled)
            return Errors.UnauthorizedClient("the token handler is disabled", $"handler {named.Name} is disabled");
        handler = named;
        enablement = enabled;
        return null;
    }

    /// <summary>The app's enablement of the handler, when the handler exists, is enabled, and is enabled for the app; else null.</summary>
    public static HandlerAppEnablement? EnablementFor(HandlerDefinition? handler, string clientId) =>
        handler is { Enabled: true } ? Enablement(handler, clientId) : null;

    private static HandlerAppEnablement? Enablement(HandlerDefinition handler, string clientId)
    {
        foreach (var enablement in handler.Enablements)
        {
            if (enablement.ClientId == clientId) return enablement;
        }
        return null;
    }
}
