using Grpc.Core;
using TokenExchange.Exchange;
using TokenExchange.Proofs;
using TokenExchange.Tokens;

namespace TokenExchange.Server.Grpc;

/// <summary>
/// DPoP proofs over gRPC (docs/spec.md, "DPoP"): a unary call carries its proof as the <c>dpop</c> metadata
/// entry; a stream's message in its <c>dpop</c> field, since a proof is good for one request only. Either way the
/// proof names <c>POST</c> (every gRPC call is an HTTP/2 POST) and the method's URL: the cluster's issuer followed
/// by the method's path (<c>https://tx.example/tokenexchange.v1.TokenExchange/Exchange</c>), or the URL the call
/// arrived at.
/// </summary>
public static class GrpcDpop
{
    public const string MetadataKey = "dpop";

    /// <summary>
    /// The response trailer with the nonce the client's next proofs carry (RFC 9449 section 8). A trailer, on success and
    /// on error alike: a failed call's trailers are what every gRPC client reads with its status (RpcException.Trailers).
    /// </summary>
    public const string NonceKey = "dpop-nonce";

    /// <summary>Adds the outcome's nonce, if it has one, to the call's trailers.</summary>
    public static void WriteNonce(ServerCallContext context, string? nonce)
    {
        if (nonce is not null) context.ResponseTrailers.Add(NonceKey, nonce);
    }

    public static IReadOnlyList<string> Urls(ServerCallContext context, ClusterIssuer issuer)
    {
        var request = context.GetHttpContext().Request;
        return [issuer.Value + context.Method, $"{request.Scheme}://{request.Host}{context.Method}"];
    }

    /// <summary>
    /// The audiences a client assertion may name on this call (docs/spec.md section 10): the cluster's issuer and the
    /// method's URLs, as a proof's <c>htu</c>.
    /// </summary>
    public static IReadOnlyList<string> AssertionAudiences(ServerCallContext context, ClusterIssuer issuer) => [issuer.Value, .. Urls(context, issuer)];

    /// <summary>
    /// The unary call's proof from its metadata; a second <c>dpop</c> entry is refused. Read from the request's headers
    /// (gRPC metadata is HTTP/2 headers, and <c>dpop</c> is no binary <c>-bin</c> key): the call's
    /// <see cref="ServerCallContext.RequestHeaders"/> copies every header into a new list on each call.
    /// </summary>
    public static (DpopPresentation? Proof, OAuthError? Error) FromMetadata(ServerCallContext context, ClusterIssuer issuer)
    {
        var entries = context.GetHttpContext().Request.Headers[MetadataKey];
        if (entries.Count == 0) return (null, null);
        var proof = entries[0];
        // Two entries may also arrive joined by a comma (HTTP/2 header rules), which no JWT contains.
        if (entries.Count > 1 || string.IsNullOrEmpty(proof) || proof.Contains(',', StringComparison.Ordinal)) return (null, Errors.InvalidDpopProof("send exactly one DPoP proof"));
        return (new DpopPresentation(proof, "POST", Urls(context, issuer)), null);
    }

    /// <summary>Whether the call's metadata carries a proof (a stream's must be in its messages).</summary>
    public static bool InMetadata(ServerCallContext context) => context.RequestHeaders.Get(MetadataKey) is not null;
}
