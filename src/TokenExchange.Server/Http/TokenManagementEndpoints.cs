using TokenExchange.Exchange;
using TokenExchange.Server.Tls;
using TokenExchange.Silo;
using TokenExchange.Tokens;

namespace TokenExchange.Server.Http;

/// <summary>
/// RFC 7662 introspection and RFC 7009 revocation over HTTP, for apps authenticated as at the token endpoint,
/// with forms read by the token endpoint's rules.
/// </summary>
public static class TokenManagementEndpoints
{
    public const string IntrospectionPath = "/oauth2/introspect";
    public const string RevocationPath = "/oauth2/revoke";

    public static void MapTokenManagementEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(IntrospectionPath, async (HttpContext http, TokenInspection inspection, ClientCertificateReader certificates, ClusterIssuer issuer) =>
        {
            var (form, client, secret, usedBasic, error, status, assertion) = await ReadAsync(http);
            if (error is not null) return OAuthResponses.Error(http, error, usedBasic, status);
            var (claims, refused) = await inspection.IntrospectAsync(client, secret, form!["token"].ToString(), http.Connection.RemoteIpAddress?.ToString(), certificates.Read(http), http.RequestAborted,
                ClientCredentials.WithAudiences(assertion, http, issuer));
            if (refused is not null) return OAuthResponses.Error(http, refused, usedBasic);
            http.Response.Headers.CacheControl = "no-store";
            return Results.Json(claims);
        }).DisableAntiforgery();

        routes.MapPost(RevocationPath, async (HttpContext http, TokenInspection inspection, ClientCertificateReader certificates, ClusterIssuer issuer) =>
        {
            var (form, client, secret, usedBasic, error, status, assertion) = await ReadAsync(http);
            if (error is not null) return OAuthResponses.Error(http, error, usedBasic, status);
            return await inspection.RevokeAsync(client, secret, form!["token"].ToString(), http.Connection.RemoteIpAddress?.ToString(), certificates.Read(http), http.RequestAborted,
                ClientCredentials.WithAudiences(assertion, http, issuer)) is { } refused
                ? OAuthResponses.Error(http, refused, usedBasic)
                : Results.Ok();
        }).DisableAntiforgery();
    }

    /// <summary>The parameters of RFC 7662 and RFC 7009 requests that a refusal may name.</summary>
    private static readonly IReadOnlySet<string> KnownNames = new HashSet<string>(["token", "token_type_hint", "client_id", "client_secret", .. ClientCredentials.AssertionParameters], StringComparer.Ordinal);

    /// <summary>The form by the token endpoint's rules (<see cref="StrictForm"/>) and the app's credentials (<see cref="ClientCredentials"/>).</summary>
    private static async Task<(IFormCollection? Form, string? ClientId, string? Secret, bool UsedBasic, OAuthError? Error, int? Status, ClientAssertion? Assertion)> ReadAsync(HttpContext http)
    {
        var (form, unread, status) = await StrictForm.ReadAsync(http, KnownNames);
        if (unread is not null) return (null, null, null, false, unread, status, null);
        foreach (var name in new[] { "token", "token_type_hint" })
        {
            if (form![name].Count > 1) return (null, null, null, false, Errors.InvalidRequest($"parameter {name} is repeated"), null, null);
        }
        var credentials = ClientCredentials.Read(form!, http.Request.Headers.Authorization.ToString());
        var (clientId, secret, usedBasic, refused) = credentials;
        return refused is not null ? (null, null, null, usedBasic, refused, null, null) : (form, clientId, secret, usedBasic, null, null, credentials.PresentedAssertion);
    }
}
