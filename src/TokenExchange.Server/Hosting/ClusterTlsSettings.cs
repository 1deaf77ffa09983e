namespace TokenExchange.Server.Hosting;

/// <summary>
/// Mutual TLS between silos: the cluster certificate every silo presents (PEM certificate and key), and
/// optionally the CA bundle a peer's certificate must chain to. Without a CA, a peer must present the very
/// same certificate (pinned). See README, "Cluster network".
/// </summary>
public sealed record ClusterTlsSettings
{
    /// <summary>PEM certificate of this silo (leaf first); it must allow server and client authentication.</summary>
    public required string CertificatePath { get; init; }

    /// <summary>PEM private key of the certificate; null when the certificate file holds the key too.</summary>
    public string? KeyPath { get; init; }

    /// <summary>PEM bundle of the CAs that issue the cluster's certificates; null pins the certificate itself.</summary>
    public string? CaPath { get; init; }

    /// <summary>
    /// The cluster TLS settings, or null when none are given. A cluster (PostgreSQL) refuses to start without
    /// them unless <c>--insecure-cluster-transport true</c> says so explicitly. The files are as given:
    /// <see cref="ServerSettingsFiles"/> checks them.
    /// </summary>
    internal static ClusterTlsSettings? From(GivenOptions given, bool clusterMode, bool insecure)
    {
        var certificate = given.Get(ServerOptions.ClusterCert);
        var key = given.Get(ServerOptions.ClusterKey);
        var ca = given.Get(ServerOptions.ClusterCa);
        if (certificate is null)
        {
            foreach (var (value, option) in new[] { (key, ServerOptions.ClusterKey), (ca, ServerOptions.ClusterCa) })
            {
                if (value is not null) throw new ArgumentException($"{option.Name} needs {ServerOptions.ClusterCert.Name} (the cluster certificate)");
            }
            if (clusterMode && !insecure)
                throw new ArgumentException("--cluster-cert is required with --postgres: silos talk over mutual TLS with the cluster certificate (--cluster-cert, --cluster-key, --cluster-ca; see README, Cluster network), or give --insecure-cluster-transport true to run without it");
            return null;
        }
        if (insecure) throw new ArgumentException("--insecure-cluster-transport true contradicts --cluster-cert: give one or the other");
        return new ClusterTlsSettings { CertificatePath = certificate, KeyPath = key, CaPath = ca };
    }
}
