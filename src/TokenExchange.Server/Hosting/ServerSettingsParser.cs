using System.Net;
using TokenExchange.Abstractions;
using O = TokenExchange.Server.Hosting.ServerOptions;

namespace TokenExchange.Server.Hosting;

/// <summary>
/// The options given, as settings: each option read by its declaration (<see cref="ServerOptions"/>), then the
/// rules between options, each refusing a contradiction by name: defaults that depend on the mode (embedded or
/// PostgreSQL), TLS, the dev issuer, the data folder. Reads no file: paths stay as given until
/// <see cref="ServerSettingsFiles"/>.
/// </summary>
internal static class ServerSettingsParser
{
    public static ServerSettings Parse(IConfiguration configuration)
    {
        var given = GivenOptions.Read(configuration);
        var defaults = new ServerSettings();
        var postgres = given.Get(O.Postgres);
        var container = given.Get(O.Container) ?? false;
        if (container && given.Text(O.Config) is null)
            throw new ArgumentException(ServerSettings.ContainerNeedsConfiguration);
        var tls = TlsSettings.From(given);
        var ephemeral = given.Get(O.Ephemeral) ?? false;
        var http = FrontDoor(given, O.Http, tls) ?? Secure(defaults.Http, tls);
        // Subject tokens for any subject, without credentials: by default only for callers on this machine.
        var devIssuerExplicit = given.Get(O.DevIssuer);
        var devIssuer = devIssuerExplicit ?? (postgres is null && IPAddress.IsLoopback(ServerSettings.EndPoint(http).Address));
        var insecure = given.Get(O.InsecureClusterTransport) ?? false;
        return new ServerSettings
        {
            ConfigPath = given.Get(O.Config) ?? defaults.ConfigPath,
            Container = container,
            Http = http,
            Grpc = FrontDoor(given, O.Grpc, tls) ?? Secure(defaults.Grpc, tls),
            Tls = tls,
            Issuer = given.Get(O.Issuer)?.ToString().TrimEnd('/'),
            TrustDomain = given.Get(O.TrustDomain),
            DevIssuer = devIssuer,
            DevIssuerExplicit = devIssuerExplicit == true,
            DevIssuerKey = given.Get(O.DevIssuerKey) is not null && !devIssuer
                ? throw new ArgumentException("--dev-issuer-key: the dev issuer is off (--dev-issuer false, or --http not on loopback without --dev-issuer true)")
                : given.Get(O.DevIssuerKey),
            SiloPort = given.Get(O.SiloPort) ?? defaults.SiloPort,
            Postgres = postgres,
            Ephemeral = ephemeral,
            Data = DataFolder(given.Text(O.Data), postgres, ephemeral),
            Migrate = given.Get(O.Migrate) ?? false,
            ClusterId = given.Get(O.ClusterId) ?? defaults.ClusterId,
            ServiceId = given.Get(O.ServiceId) ?? defaults.ServiceId,
            AdvertisedAddress = given.Get(O.AdvertisedAddress) ?? defaults.AdvertisedAddress,
            Kubernetes = given.Get(O.Kubernetes) ?? false,
            KeyEncryptionKey = given.Get(O.KeyEncryptionKey) ?? (postgres is null ? null
                : throw new ArgumentException("--key-encryption-key (or TX_KEYENCRYPTIONKEY) is required with PostgreSQL: the base64 of 32 random bytes, e.g. openssl rand -base64 32")),
            ClusterTls = ClusterTlsSettings.From(given, clusterMode: postgres is not null, insecure),
            InsecureClusterTransport = insecure && postgres is not null,
            KeyRotation = new KeyRotationPolicy(
                given.Get(O.KeyRotationPeriod) ?? KeyRotationPolicy.Default.Period,
                given.Get(O.KeyActivationDelay) ?? KeyRotationPolicy.Default.ActivationDelay,
                given.Get(O.KeyRetention) ?? KeyRotationPolicy.Default.Retention)
            {
                Algorithm = given.Get(O.SigningAlgorithm) ?? KeyRotationPolicy.Default.Algorithm,
            },
            OtlpEndpoint = given.Get(O.OtlpEndpoint),
            SessionIdleTimeout = given.Get(O.SessionIdleTimeout),
            WarmupExchanges = given.Get(O.WarmupExchanges) ?? ServerSettings.DefaultWarmupExchanges,
            WarmupTimeout = given.Get(O.WarmupTimeout) ?? ServerSettings.DefaultWarmupTimeout,
            RateLimitPerAddress = given.Get(O.RateLimitPerAddress) ?? 0,
            TrustedProxies = given.Get(O.TrustedProxies) ?? [],
            AuditToPostgres = given.Get(O.Audit) is true && postgres is null
                ? throw new ArgumentException("--audit postgres needs --postgres (the audit table lives in the cluster's database)")
                : given.Get(O.Audit) ?? false,
            RequestTimeout = given.Get(O.RequestTimeout) ?? defaults.RequestTimeout,
            DrainDelay = given.Get(O.DrainDelay) ?? (postgres is null ? TimeSpan.Zero : ServerSettings.DefaultClusterDrainDelay),
            Plugins = given.Get(O.Plugins),
            Membership = new MembershipTimings
            {
                ProbeTimeout = given.Get(O.ProbeTimeout) ?? defaults.Membership.ProbeTimeout,
                MissedProbes = given.Get(O.MissedProbes) ?? defaults.Membership.MissedProbes,
                DeathVoteExpiry = given.Get(O.DeathVoteExpiry) ?? defaults.Membership.DeathVoteExpiry,
                IAmAlivePeriod = given.Get(O.IAmAlivePeriod) ?? defaults.Membership.IAmAlivePeriod,
                TableRefresh = given.Get(O.TableRefresh) ?? defaults.Membership.TableRefresh,
            },
        };
    }

    /// <summary>
    /// A front door's address: https when TLS is configured (given as http:// or https://), plain http
    /// otherwise; https without a certificate is a mistake, reported by name.
    /// </summary>
    private static Uri? FrontDoor(GivenOptions given, ServerOption<Uri?> option, TlsSettings? tls)
    {
        if (given.Get(option) is not { } url) return null;
        if (url.Scheme == Uri.UriSchemeHttps && tls is null)
            throw new ArgumentException($"{option.Name}: '{given.Text(option)}' is https, which needs --tls-cert (the server certificate)");
        return Secure(url, tls);
    }

    private static Uri Secure(Uri url, TlsSettings? tls) =>
        tls is null || url.Scheme == Uri.UriSchemeHttps ? url : new UriBuilder(url) { Scheme = Uri.UriSchemeHttps, Port = url.Port }.Uri;

    /// <summary>
    /// Where the embedded state lives: <c>--data</c>, else the user's local application data folder (its path only:
    /// nothing is created or read here). The options that contradict each other are refused by name rather than one
    /// silently ignored.
    /// </summary>
    private static string? DataFolder(string? value, string? postgres, bool ephemeral)
    {
        if (postgres is not null)
        {
            if (ephemeral) throw new ArgumentException("--ephemeral: with --postgres the state is in PostgreSQL; --ephemeral is for the embedded mode");
            return value is null ? null : throw new ArgumentException("--data: with --postgres the state is in PostgreSQL; --data is for the embedded mode");
        }
        if (ephemeral) return value is null ? null : throw new ArgumentException("--data: --ephemeral keeps the state in memory; give one or the other");
        if (value is { Length: > 0 }) return Path.GetFullPath(value);
        var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return local.Length > 0
            ? Path.Combine(local, "token-exchange")
            : throw new ArgumentException("--data: there is no per-user data folder (no HOME); give --data DIR, or --ephemeral true");
    }
}
