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

    /// <summary>The unary call's proof from its metadata; a second <c>dpop</c> entry is refused.</summary>
    public static (DpopPresentation? Proof, OAuthError? Error) FromMetadata(ServerCallContext context, ClusterIssuer issuer)
    {
        string? proof = null;
        foreach (var entry in context.RequestHeaders)
        {
            if (entry.IsBinary || !string.Equals(entry.Key, MetadataKey, StringComparison.Ordinal)) continue;
            // Two entries may arrive joined by a comma (HTTP/2 header rules), which no JWT contains.
            if (proof is not null || entry.Value.Length == 0 || entry.Value.Contains(',', StringComparison.Ordinal)) return (null, Errors.InvalidDpopProof("send exactly one DPoP proof"));
            proof = entry.Value;
        }
        return proof is null ? (null, null) : (new DpopPresentation(proof, "POST", Urls(context, issuer)), null);
    }

    /// <summary>Whether the call's metadata carries a proof (a stream's must be in its messages).</summary>
    public static bool InMetadata(ServerCallContext context) => context.RequestHeaders.Get(MetadataKey) is not null;
}
