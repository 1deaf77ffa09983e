using TokenExchange.Definitions;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// Scopes (RFC 6749 section 3.3): every scope asked for must be one the app is allowed, compared exactly; the
/// scopes granted are those asked for, each once, in the order asked. A refresh only narrows: never wider than
/// its token was issued with, nor than the app allows now (<see cref="Narrow"/>).
/// </summary>
public static class GrantedScopes
{
    public static OAuthError? Grant(AppDefinition app, string[] requested, out string[] granted)
    {
        granted = Distinct.Of(requested);
        foreach (var scope in granted)
        {
            if (Array.IndexOf(app.AllowedScopes, scope) < 0)
                return Errors.InvalidScope($"scope '{ParameterText.Printable(scope)}' is not allowed for this client");
        }
        return null;
    }

    /// <summary>
    /// The scopes of a refreshed access token: those asked for, else those the refresh token was issued with that
    /// the app still allows; each must be one it was issued with and one the app allows now.
    /// </summary>
    public static OAuthError? Narrow(AppDefinition app, string[] requested, string[] issued, out string[] granted)
    {
        granted = requested.Length > 0 ? Distinct.Of(requested) : Array.FindAll(issued, scope => Array.IndexOf(app.AllowedScopes, scope) >= 0);
        foreach (var scope in granted)
        {
            if (Array.IndexOf(issued, scope) < 0 || Array.IndexOf(app.AllowedScopes, scope) < 0)
                return Errors.InvalidScope("a requested scope is no longer allowed for this client");
        }
        return null;
    }
}
