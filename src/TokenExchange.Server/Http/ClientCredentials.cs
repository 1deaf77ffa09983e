using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;

namespace TokenExchange.Server.Http;

/// <summary>
/// An app's credentials on any form endpoint, by <c>client_secret_basic</c>, <c>client_secret_post</c> or a client
/// assertion (<c>client_assertion_type</c> and <c>client_assertion</c>, RFC 7521 section 4.2), one method per request
/// (RFC 6749 section 2.3). Basic with a client_secret in the form is refused, and so is a form client_id that names
/// another app than the Basic user name, rather than one of them silently winning; an assertion beside Basic
/// credentials, or half an assertion, is invalid_client like any failed authentication. A request with an assertion
/// and no client_id names its app by the assertion's <c>sub</c> (RFC 7523 section 3). A Basic user name or password
/// follows the form's character rules.
/// </summary>
public sealed record ClientCredentials(string? ClientId, string? ClientSecret, bool UsedBasic, OAuthError? Error)
{
    /// <summary>The form parameters of a client assertion.</summary>
    public static readonly string[] AssertionParameters = ["client_assertion", "client_assertion_type"];

    /// <summary>The presented assertion's type and token; the endpoint adds the audiences it may name.</summary>
    public (string Type, string Token)? Assertion { get; init; }

    public static ClientCredentials Read(IFormCollection form, string? authorization)
    {
        foreach (var name in (string[])["client_id", "client_secret", .. AssertionParameters])
        {
            if (form[name].Count > 1) return Refuse($"parameter {name} is repeated", false);
        }
        var clientId = Optional(form, "client_id");
        var clientSecret = Optional(form, "client_secret");
        var assertionType = Optional(form, "client_assertion_type");
        var assertion = Optional(form, "client_assertion");
        var usedBasic = !string.IsNullOrEmpty(authorization);
        if (assertionType is not null || assertion is not null)
        {
            if (usedBasic) return new(null, null, true, Errors.InvalidClient(ClientAuthentication.Failed, "Basic credentials presented together with a client_assertion"));
            if (assertionType is null || assertion is null) return new(null, null, false, Errors.InvalidClient(ClientAuthentication.Failed, "client_assertion and client_assertion_type go together"));
            return new(clientId ?? ClientAssertion.ImpliedClientId(assertion), clientSecret, false, null) { Assertion = (assertionType, assertion) };
        }
        if (!usedBasic) return new(clientId, clientSecret, false, null);

        if (!TokenRequestParser.TryReadBasic(authorization!, out var basicId, out var basicSecret))
            return new(null, null, true, Errors.InvalidClient("malformed Basic client credentials"));
        if (clientSecret is not null) return Refuse("use one client authentication method, not both Basic and client_secret", true);
        if (clientId is not null && clientId != basicId) return Refuse("client_id does not match the Basic credentials", true);
        if (!ParameterText.IsClean(basicId)) return Refuse(ParameterText.Refusal("client_id"), true);
        if (!ParameterText.IsClean(basicSecret)) return Refuse(ParameterText.Refusal("client_secret"), true);
        return new(basicId, basicSecret, true, null);
    }

    /// <summary>The presented assertion, naming no audience yet (the endpoint adds them, <see cref="WithAudiences"/>); null without one.</summary>
    public ClientAssertion? PresentedAssertion => Assertion is { } presented ? new ClientAssertion(presented.Type, presented.Token, []) : null;

    /// <summary>
    /// An assertion with the audiences it may name at this endpoint (docs/spec.md section 10): the cluster's issuer,
    /// the endpoint's public URL, and the URL the request arrived at.
    /// </summary>
    public static ClientAssertion? WithAudiences(ClientAssertion? assertion, HttpContext http, TokenExchange.Tokens.ClusterIssuer issuer)
    {
        if (assertion is null) return null;
        var request = http.Request;
        return assertion with { Audiences = [issuer.Value, issuer.Value + request.PathBase + request.Path, $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}"] };
    }

    private static string? Optional(IFormCollection form, string name) => form[name].ToString() is { Length: > 0 } value ? value : null;

    private static ClientCredentials Refuse(string description, bool usedBasic) => new(null, null, usedBasic, Errors.InvalidRequest(description));
}
