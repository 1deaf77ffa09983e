namespace TokenExchange.Server.Hosting;

/// <summary>
/// The step after parsing: the files and folders the settings name exist (each made an absolute path), and the
/// dev issuer's key is a key it can sign with. A missing or wrong one fails start-up naming its option.
/// </summary>
internal static class ServerSettingsFiles
{
    public static ServerSettings Check(ServerSettings settings) => settings with
    {
        Tls = settings.Tls is { } tls
            ? tls with
            {
                CertificatePath = ExistingFile(tls.CertificatePath, ServerOptions.TlsCert),
                KeyPath = tls.KeyPath is { } key ? ExistingFile(key, ServerOptions.TlsKey) : null,
                ClientCaPath = tls.ClientCaPath is { } ca ? ExistingFile(ca, ServerOptions.TlsClientCa) : null,
            }
            : null,
        DevIssuerKey = settings.DevIssuerKey is { } devKey ? DevIssuerKey(devKey) : null,
        ClusterTls = settings.ClusterTls is { } cluster
            ? cluster with
            {
                CertificatePath = ExistingFile(cluster.CertificatePath, ServerOptions.ClusterCert),
                KeyPath = cluster.KeyPath is { } clusterKey ? ExistingFile(clusterKey, ServerOptions.ClusterKey) : null,
                CaPath = cluster.CaPath is { } clusterCa ? ExistingFile(clusterCa, ServerOptions.ClusterCa) : null,
            }
            : null,
        Plugins = settings.Plugins is { } plugins
            ? Directory.Exists(plugins) ? Path.GetFullPath(plugins) : throw new ArgumentException($"--plugins: folder '{plugins}' does not exist")
            : null,
    };

    private static string DevIssuerKey(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"--dev-issuer-key: file '{path}' does not exist");
        try
        {
            TokenExchange.Tokens.SigningKey.FromPem(File.ReadAllText(path)); // a wrong key fails here, by name
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--dev-issuer-key: '{path}': {e.Message}");
        }
        return Path.GetFullPath(path);
    }

    private static string ExistingFile(string path, ServerOption option) =>
        File.Exists(path) ? Path.GetFullPath(path) : throw new ArgumentException($"{option.Name}: file '{path}' does not exist");
}
