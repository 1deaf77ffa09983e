using TokenExchange.Exchange;
using TokenExchange.Grains.Silo;
using TokenExchange.Server.Tls;

namespace TokenExchange.Server.Http;

/// <summary>RFC 7662 introspection and RFC 7009 revocation over HTTP, for apps authenticated as at the token endpoint.</summary>
public static class TokenManagementEndpoints
{
    public const string IntrospectionPath = "/oauth2/introspect";
    public const string RevocationPath = "/oauth2/revoke";

    public static void MapTokenManagementEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(IntrospectionPath, async (HttpContext http, TokenInspection inspection, ClientCertificateReader certificates) =>
        {
            var (form, client, secret, usedBasic, error) = await ReadAsync(http);
            if (error is not null) return OAuthResponses.Error(http, error, usedBasic);
            var (claims, refused) = await inspection.IntrospectAsync(client, secret, form!["token"].ToString(), http.Connection.RemoteIpAddress?.ToString(), certificates.Read(http), http.RequestAborted);
            if (refused is not null) return OAuthResponses.Error(http, refused, usedBasic);
            http.Response.Headers.CacheControl = "no-store";
            return Results.Json(claims);
        }).DisableAntiforgery();

        routes.MapPost(RevocationPath, async (HttpContext http, TokenInspection inspection, ClientCertificateReader certificates) =>
        {
            var (form, client, secret, usedBasic, error) = await ReadAsync(http);
            if (error is not null) return OAuthResponses.Error(http, error, usedBasic);
            return await inspection.RevokeAsync(client, secret, form!["token"].ToString(), http.Connection.RemoteIpAddress?.ToString(), certificates.Read(http), http.RequestAborted) is { } refused
                ? OAuthResponses.Error(http, refused, usedBasic)
                : Results.Ok();
        }).DisableAntiforgery();
    }

    private static async Task<(IFormCollection? Form, string? ClientId, string? Secret, bool UsedBasic, OAuthError? Error)> ReadAsync(HttpContext http)
    {
        if (!http.Request.HasFormContentType)
            return (null, null, null, false, Errors.InvalidRequest("the request must be application/x-www-form-urlencoded"));
        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return (null, null, null, false, Errors.InvalidRequest("the request body is not a valid form"));
        }
        if (form["token"].Count > 1) return (null, null, null, false, Errors.InvalidRequest("parameter token is repeated"));
        var header = http.Request.Headers.Authorization.ToString();
        if (header.Length == 0) return (form, form["client_id"].ToString(), form["client_secret"].ToString(), false, null);
        return TokenRequestParser.TryReadBasic(header, out var id, out var secret)
            ? (form, id, secret, true, null)
            : (null, null, null, true, Errors.InvalidClient("malformed Basic client credentials"));
    }
}
