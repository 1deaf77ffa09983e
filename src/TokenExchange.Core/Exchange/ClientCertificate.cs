namespace TokenExchange.Exchange;

/// <summary>
/// The TLS client certificate a request came with (RFC 8705), reduced to what client authentication needs.
/// The front door fills it in: the TLS handshake proved the caller holds the certificate's key, and
/// <see cref="IssuedByTrustedCa"/> says whether it chains to the configured client CA bundle.
/// </summary>
public sealed record ClientCertificate
{
    /// <summary>The certificate's SHA-256 thumbprint, base64url: RFC 8705's <c>x5t#S256</c>.</summary>
    public required string Thumbprint { get; init; }

    /// <summary>The subject distinguished name, as .NET formats it (<c>CN=orders, O=Example</c>).</summary>
    public required string SubjectDn { get; init; }

    /// <summary>The subject alternative names of type DNS.</summary>
    public string[] DnsNames { get; init; } = [];

    /// <summary>It chains to the configured client CA bundle, is within its validity period and allows client authentication.</summary>
    public bool IssuedByTrustedCa { get; init; }
}
