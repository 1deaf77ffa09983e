using TokenExchange.Definitions;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// Targets (RFC 8693 section 2.1, RFC 8707): <c>audience</c> and <c>resource</c> values together, each once, each
/// one the app is allowed. With none asked for, an app with exactly one allowed audience gets it, an app with none
/// gets its own client id (the token is then only good for the app itself), and an app with several must say which.
/// A refresh keeps the audiences its token was issued with that the app still allows (<see cref="Narrow"/>).
/// </summary>
public static class Targets
{
    public static OAuthError? Resolve(AppDefinition app, string[] audiences, string[] resources, out string[] targets)
    {
        targets = Distinct.Of(audiences, resources);
        foreach (var target in targets)
        {
            if (Array.IndexOf(app.AllowedAudiences, target) < 0)
                return Errors.InvalidTarget($"target '{ParameterText.Printable(target)}' is not allowed for this client");
        }
        if (targets.Length > 0) return null;
        switch (app.AllowedAudiences.Length)
        {
            case 0: targets = [app.ClientId]; return null;
            case 1: targets = app.AllowedAudiences; return null;
            default: return Errors.InvalidTarget("this client may target several audiences: name one with audience or resource");
        }
    }

    /// <summary>The audiences a refresh token was issued with that are still the app's own client id or allowed for it; at least one.</summary>
    public static OAuthError? Narrow(AppDefinition app, string[] issued, out string[] targets)
    {
        targets = Array.FindAll(issued, audience => audience == app.ClientId || Array.IndexOf(app.AllowedAudiences, audience) >= 0);
        return targets.Length == 0 ? Errors.InvalidTarget("the refresh token's audiences are no longer allowed for this client") : null;
    }
}
