using TokenExchange.Exchange;
using TokenExchange.Proofs;
using TokenExchange.Tokens;

namespace TokenExchange.Server.Http;

/// <summary>
/// The <c>DPoP</c> request header (RFC 9449 section 4.1) as the proof the request presents: the method it must
/// name is POST, the URLs the cluster's public URL of the endpoint and the URL the request arrived at (a proxy in
/// front may change the latter). More than one DPoP header (or one holding two proofs, joined by a comma) is refused (RFC 9449 section 4.3, check 1).
/// </summary>
public static class DpopHeader
{
    public const string Name = "DPoP";

    /// <summary>The response header with the nonce the client's next proofs carry (RFC 9449 section 8).</summary>
    public const string NonceName = "DPoP-Nonce";

    /// <summary>Sends the outcome's nonce, if it has one, in the DPoP-Nonce header of whatever the answer is.</summary>
    public static void WriteNonce(HttpContext http, string? nonce)
    {
        if (nonce is not null) http.Response.Headers[NonceName] = nonce;
    }

    public static (DpopPresentation? Proof, OAuthError? Error) Read(HttpContext http, ClusterIssuer issuer)
    {
        var values = http.Request.Headers[Name];
        if (values.Count == 0) return (null, null);
        // Two header lines may arrive joined by a comma, which no JWT contains.
        if (values.Count > 1 || string.IsNullOrEmpty(values[0]) || values[0]!.Contains(',', StringComparison.Ordinal)) return (null, Errors.InvalidDpopProof("send exactly one DPoP header"));
        var request = http.Request;
        var arrivedAt = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}";
        return (new DpopPresentation(values[0]!, request.Method, [issuer.Value + request.PathBase + request.Path, arrivedAt]), null);
    }
}
