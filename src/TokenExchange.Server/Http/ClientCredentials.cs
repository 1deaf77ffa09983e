using TokenExchange.Exchange;

namespace TokenExchange.Server.Http;

/// <summary>
/// An app's credentials on any form endpoint, by <c>client_secret_basic</c> or <c>client_secret_post</c>,
/// never both (RFC 6749 section 2.3: one method per request). Basic with a client_secret in the form is
/// refused, and so is a form client_id that names another app than the Basic user name, rather than one of
/// them silently winning. A Basic user name or password follows the form's character rules.
/// </summary>
public sealed record ClientCredentials(string? ClientId, string? ClientSecret, bool UsedBasic, OAuthError? Error)
{
    public static ClientCredentials Read(IFormCollection form, string? authorization)
    {
        if (form["client_id"].Count > 1) return Refuse("parameter client_id is repeated", false);
        if (form["client_secret"].Count > 1) return Refuse("parameter client_secret is repeated", false);
        var clientId = Optional(form, "client_id");
        var clientSecret = Optional(form, "client_secret");
        if (string.IsNullOrEmpty(authorization)) return new(clientId, clientSecret, false, null);

        if (!TokenRequestParser.TryReadBasic(authorization, out var basicId, out var basicSecret))
            return new(null, null, true, Errors.InvalidClient("malformed Basic client credentials"));
        if (clientSecret is not null) return Refuse("use one client authentication method, not both Basic and client_secret", true);
        if (clientId is not null && clientId != basicId) return Refuse("client_id does not match the Basic credentials", true);
        if (!ParameterText.IsClean(basicId)) return Refuse(ParameterText.Refusal("client_id"), true);
        if (!ParameterText.IsClean(basicSecret)) return Refuse(ParameterText.Refusal("client_secret"), true);
        return new(basicId, basicSecret, true, null);
    }

    private static string? Optional(IFormCollection form, string name) => form[name].ToString() is { Length: > 0 } value ? value : null;

    private static ClientCredentials Refuse(string description, bool usedBasic) => new(null, null, usedBasic, Errors.InvalidRequest(description));
}
