using TokenExchange.Exchange;
using TokenExchange.Grains.Silo;
using TokenExchange.Server.Tls;

namespace TokenExchange.Server.Http;

public static class TokenEndpoint
{
    public const string Path = "/oauth2/token";

    /// <summary>Largest token request body; a 16 KiB subject token plus the other parameters fits well.</summary>
    private const long MaxBodyBytes = 64 * 1024;

    public static void MapTokenEndpoint(this IEndpointRouteBuilder routes) =>
        routes.MapPost(Path, HandleAsync).DisableAntiforgery();

    private static async Task<IResult> HandleAsync(HttpContext http, ExchangeFrontDoor frontDoor, ClientCertificateReader certificates)
    {
        if (http.Request.ContentLength > MaxBodyBytes)
            return OAuthResponses.Error(http, Errors.InvalidRequest($"the request body is larger than {MaxBodyBytes} bytes"), false);
        if (!http.Request.HasFormContentType || http.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
            return OAuthResponses.Error(http, Errors.InvalidRequest("the token request must be application/x-www-form-urlencoded"), false);
        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions
            {
                BufferBody = false,
                ValueLengthLimit = (int)MaxBodyBytes,
                KeyLengthLimit = 256,
                ValueCountLimit = 128,
            }, http.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return OAuthResponses.Error(http, Errors.InvalidRequest("the request body is not a valid form or exceeds its limits"), false);
        }

        var parsed = TokenRequestParser.Parse(form, http.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null,
            http.Connection.RemoteIpAddress?.ToString());
        if (parsed.Error is { } error) return OAuthResponses.Error(http, error, parsed.UsedBasicAuthentication);

        // RFC 8705: the connection's client certificate authenticates apps registered for mutual TLS.
        var certificate = certificates.Read(http);
        var outcome = parsed.Refresh is { } refresh
            ? await frontDoor.RefreshAsync(refresh with { ClientCertificate = certificate }, http.RequestAborted)
            : await frontDoor.ExchangeAsync(parsed.Request! with { ClientCertificate = certificate }, http.RequestAborted);
        return outcome.Error is { } refused
            ? OAuthResponses.Error(http, refused, parsed.UsedBasicAuthentication)
            : OAuthResponses.Tokens(http, outcome.Tokens!);
    }
}
