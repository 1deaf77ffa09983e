using TokenExchange.Server.Tls;
using TokenExchange.Silo;
using TokenExchange.Tokens;

namespace TokenExchange.Server.Http;

public static class TokenEndpoint
{
    public const string Path = "/oauth2/token";

    public static void MapTokenEndpoint(this IEndpointRouteBuilder routes) =>
        routes.MapPost(Path, HandleAsync).DisableAntiforgery();

    /// <summary>The endpoint's handler (internal: the readiness warm-up runs it over a front door of its own).</summary>
    internal static async Task<IResult> HandleAsync(HttpContext http, ExchangeFrontDoor frontDoor, ClientCertificateReader certificates, ClusterIssuer issuer)
    {
        var (form, unread, status) = await StrictForm.ReadAsync(http, TokenRequestParser.KnownNames);
        if (unread is not null) return OAuthResponses.Error(http, unread, false, status);

        var parsed = TokenRequestParser.Parse(form!, http.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null,
            http.Connection.RemoteIpAddress?.ToString());
        if (parsed.Error is { } error) return OAuthResponses.Error(http, error, parsed.UsedBasicAuthentication);

        // RFC 9449: a DPoP proof binds the issued access token to the client's key.
        var (dpop, badProof) = DpopHeader.Read(http, issuer);
        if (badProof is not null) return OAuthResponses.Error(http, badProof, parsed.UsedBasicAuthentication);

        // RFC 8705: the connection's client certificate authenticates apps registered for mutual TLS.
        var certificate = certificates.Read(http);
        var outcome = parsed.Refresh is { } refresh
            ? await frontDoor.RefreshAsync(refresh with { ClientCertificate = certificate, Dpop = dpop, ClientAssertion = ClientCredentials.WithAudiences(refresh.ClientAssertion, http, issuer) }, http.RequestAborted)
            : await frontDoor.ExchangeAsync(parsed.Request! with { ClientCertificate = certificate, Dpop = dpop, ClientAssertion = ClientCredentials.WithAudiences(parsed.Request!.ClientAssertion, http, issuer) }, http.RequestAborted);
        DpopHeader.WriteNonce(http, outcome.DpopNonce);
        return outcome.Error is { } refused
            ? OAuthResponses.Error(http, refused, parsed.UsedBasicAuthentication)
            : OAuthResponses.Tokens(http, outcome.Tokens!);
    }
}
