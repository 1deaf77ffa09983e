using Orleans.Connections.Security;

namespace TokenExchange.Server.Tls;

/// <summary>
/// Silo-to-silo connections over mutual TLS (Orleans.Connections.Security): each side presents the cluster
/// certificate and refuses a peer whose certificate the cluster does not trust, so a process without one can
/// neither join the cluster nor send a grain call.
/// </summary>
public static class ClusterTransportSecurity
{
    public static void UseClusterTls(this ISiloBuilder silo, ClusterCertificate certificate)
    {
        silo.UseTls(options =>
        {
            options.LocalCertificate = certificate.Certificate;
            // Both directions: the accepting silo demands the caller's certificate, the calling silo the acceptor's.
            options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            // The platform's verdict (public roots, host names) does not apply: the cluster's own CA decides.
            options.RemoteCertificateValidation = (peer, chain, _) => certificate.Trusts(peer, chain);
        });
    }
}
