using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using TokenExchange.Server.Hosting;

namespace TokenExchange.Server.Tls;

/// <summary>
/// The server certificate both TLS listeners present, swapped in place when its files change
/// (<see cref="TlsCertificateReloader"/>): connections from then on get the new one, open ones keep theirs.
/// </summary>
public sealed class ServerCertificateStore(TlsSettings settings, ServerCertificate initial, string fingerprint)
{
    private volatile ServerCertificate current = initial;

    public TlsSettings Settings { get; } = settings;
    public ServerCertificate Current => current;
    public string Fingerprint { get; private set; } = fingerprint;

    public static ServerCertificateStore Load(TlsSettings settings) =>
        new(settings, ServerCertificateFiles.Load(settings), ServerCertificateFiles.Fingerprint(settings));

    public void Replace(ServerCertificate certificate, string fingerprint)
    {
        current = certificate;
        Fingerprint = fingerprint;
    }

    /// <summary>The TLS options of one connection; Kestrel adds ALPN (h2 on the gRPC listener, http/1.1 on the HTTP one).</summary>
    public SslServerAuthenticationOptions ConnectionOptions() => new()
    {
        ServerCertificateContext = current.Context,
        // Ask for a client certificate, but accept connections without one (Kestrel's AllowCertificate): secret
        // apps keep working, and a certificate app without one is refused as invalid_client by the token endpoint.
        ClientCertificateRequired = Settings.AllowClientCertificates,
        RemoteCertificateValidationCallback = Settings.AllowClientCertificates ? AcceptAnyClientCertificate : null,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    /// <summary>
    /// Any certificate is accepted in the handshake (which still proves the caller holds its key): self-signed
    /// ones authenticate by thumbprint, CA-issued ones are checked against the client CA bundle per app.
    /// </summary>
    private static bool AcceptAnyClientCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) => true;
}
