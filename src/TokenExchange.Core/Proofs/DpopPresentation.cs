namespace TokenExchange.Proofs;

/// <summary>
/// A DPoP proof as a request presented it (RFC 9449 section 4), with what the proof must name: the request's
/// method (<c>htm</c>) and one of the URLs the request was sent to (<c>htu</c>: the cluster's public URL of the
/// endpoint, and the URL it arrived at). The transports fill it in; docs/spec.md names the gRPC methods' URLs.
/// </summary>
public sealed record DpopPresentation(string Proof, string Method, IReadOnlyList<string> Urls)
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Proof = {Redacted.Mark(Proof)}, Method = {Method}, Urls = [{string.Join(' ', Urls)}]");
        return true;
    }
}
