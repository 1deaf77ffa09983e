using TokenExchange.Exchange;
using TokenExchange.Server.Tls;
using TokenExchange.Silo;

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
        routes.MapPost(IntrospectionPath, async (HttpContext http, TokenInspection inspection, ClientCertificateReader certificates) =>
        {
            var (form, client, secret, usedBasic, error, status) = await ReadAsync(http);
            if (error is not null) return OAuthResponses.Error(http, error, usedBasic, status);
            var (claims, refused) = await inspection.IntrospectAsync(client, secret, form!["token"].ToString(), http.Connection.RemoteIpAddress?.ToString(), certificates.Read(http), http.RequestAborted);
            if (refused is not null) return OAuthResponses.Error(http, refused, usedBasic);
            http.Response.Headers.CacheControl = "no-store";
            return Results.Json(claims);
        }).DisableAntiforgery();

        routes.MapPost(RevocationPath, async (HttpContext http, TokenInspection inspection, ClientCertificateReader certificates) =>
        {
            var (form, client, secret, usedBasic, error, status) = await ReadAsync(http);
            if (error is not null) return OAuthResponses.Error(http, error, usedBasic, status);
            return await inspection.RevokeAsync(client, secret, form!["token"].ToString(), http.Connection.RemoteIpAddress?.ToString(), certificates.Read(http), http.RequestAborted) is { } refused
                ? OAuthResponses.Error(http, refused, usedBasic)
                : Results.Ok();
        }).DisableAntiforgery();
    }

    /// <summary>The parameters of RFC 7662 and RFC 7009 requests that a refusal may name.</summary>
    private static readonly IReadOnlySet<string> KnownNames = new HashSet<string>(["token", "token_type_hint", "client_id", "client_secret"], StringComparer.Ordinal);

    /// <summary>The form by the token endpoint's rules (<see cref="StrictForm"/>) and the app's credentials (<see cref="ClientCredentials"/>).</summary>
    private static async Task<(IFormCollection? Form, string? ClientId, string? Secret, bool UsedBasic, OAuthError? Error, int? Status)> ReadAsync(HttpContext http)
    {
        var (form, unread, status) = await StrictForm.ReadAsync(http, KnownNames);
        if (unread is not null) return (null, null, null, false, unread, status);
        foreach (var name in new[] { "token", "token_type_hint" })
        {
            if (form![name].Count > 1) return (null, null, null, false, Errors.InvalidRequest($"parameter {name} is repeated"), null);
        }
        var (clientId, secret, usedBasic, refused) = ClientCredentials.Read(form!, http.Request.Headers.Authorization.ToString());
        return refused is not null ? (null, null, null, usedBasic, refused, null) : (form, clientId, secret, usedBasic, null, null);
    }
}
