using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using TokenExchange.Abstractions;

namespace TokenExchange.Server.Hosting;

/// <summary>
/// The server's settings, read through ASP.NET Core configuration: the command line (<c>--http URL</c>),
/// environment variables (<c>TX_HTTP</c>) and the <c>server:</c> section of the configuration file, in
/// that order of precedence. Every bad value fails start-up with a message naming the option.
/// </summary>
public sealed record ServerSettings
{
    public const string DefaultConfigPath = "config/dev.yaml";

    public string ConfigPath { get; init; } = DefaultConfigPath;
    public Uri Http { get; init; } = new("http://127.0.0.1:8080");
    public Uri Grpc { get; init; } = new("http://127.0.0.1:8081");
    public string? Issuer { get; init; }

    /// <summary>
    /// The built-in dev issuer: on in the embedded default while the HTTP front door is bound to loopback;
    /// elsewhere only when asked for (<see cref="DevIssuerExplicit"/>).
    /// </summary>
    public bool DevIssuer { get; init; } = true;

    /// <summary><c>--dev-issuer true</c> was given: the dev issuer serves whatever the bind, with a warning at every start.</summary>
    public bool DevIssuerExplicit { get; init; }

    /// <summary>
    /// A PEM file with the dev issuer's private key, so a load generator can mint its subject tokens itself
    /// (txctl bench); null: the dev issuer's key is generated and kept by the cluster.
    /// </summary>
    public string? DevIssuerKey { get; init; }

    public int SiloPort { get; init; } = 11111;

    /// <summary>Mutual TLS between silos with the cluster certificate; required with PostgreSQL unless <see cref="InsecureClusterTransport"/>.</summary>
    public ClusterTlsSettings? ClusterTls { get; init; }

    /// <summary><c>--insecure-cluster-transport true</c>: a cluster whose silos talk plain TCP, with a warning at every start.</summary>
    public bool InsecureClusterTransport { get; init; }

    /// <summary>
    /// Set by the container image (TX_CONTAINER=true): the development defaults (config/dev.yaml) are refused,
    /// a configuration must be named.
    /// </summary>
    public bool Container { get; init; }

    /// <summary>PostgreSQL connection string; null runs the embedded default (localhost clustering, local state).</summary>
    public string? Postgres { get; init; }

    /// <summary>
    /// Embedded mode: the folder of the SQLite database and its key-encryption key file; by default the
    /// user's local application data folder (on Linux <c>$XDG_DATA_HOME/token-exchange</c>, else
    /// <c>~/.local/share/token-exchange</c>). Null with PostgreSQL or <see cref="Ephemeral"/>.
    /// </summary>
    public string? Data { get; init; }

    /// <summary>Embedded mode with state in memory only: everything is lost when the process stops.</summary>
    public bool Ephemeral { get; init; }

    /// <summary>Apply the schema migrations at start-up (PostgreSQL only).</summary>
    public bool Migrate { get; init; }

    public string ClusterId { get; init; } = "token-exchange";
    public string ServiceId { get; init; } = "token-exchange";

    /// <summary>The address other silos reach this one at (PostgreSQL clustering); loopback unless set.</summary>
    public IPAddress AdvertisedAddress { get; init; } = IPAddress.Loopback;

    /// <summary>Silo identity and clean-up from the Kubernetes API (Microsoft.Orleans.Hosting.Kubernetes).</summary>
    public bool Kubernetes { get; init; }

    public MembershipTimings Membership { get; init; } = new();

    /// <summary>Folder of operators' handler assemblies (see README, custom handlers); none by default.</summary>
    public string? Plugins { get; init; }

    /// <summary>Key-encryption key of the signing keys at rest (base64 of 32 bytes); required with PostgreSQL.</summary>
    public string? KeyEncryptionKey { get; init; }

    public KeyRotationPolicy KeyRotation { get; init; } = KeyRotationPolicy.Default;

    /// <summary>An OTLP/gRPC collector (e.g. http://otel-collector:4317) for metrics and traces; none by default.</summary>
    public Uri? OtlpEndpoint { get; init; }
    /// <summary>
    /// How long a subject's grains (its session, its user, the user's index entries) stay in memory without an
    /// exchange; null keeps Orleans' default collection age.
    /// </summary>
    public TimeSpan? SessionIdleTimeout { get; init; }

    /// <summary>TLS on both front doors (and optional client certificates); null serves plain HTTP and HTTP/2 cleartext.</summary>
    public TlsSettings? Tls { get; init; }

    /// <summary>Requests per second (and burst) one client address may make to each silo; 0 turns the limit off.</summary>
    public int RateLimitPerAddress { get; init; }

    /// <summary>
    /// Proxies (load balancers, ingresses) whose <c>X-Forwarded-For</c> names the real caller: only from a peer in these
    /// ranges is the header read (see <see cref="ForwardedClients"/>). Empty: the TCP peer is the caller.
    /// </summary>
    public IReadOnlyList<IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>Where the audit trail goes besides the log: nowhere else (false), or the PostgreSQL audit table.</summary>
    public bool AuditToPostgres { get; init; }

    /// <summary>How long a request's grain calls may take, retries after a silo died or left included (see GracefulLeave, GrainCallRetry).</summary>
    public TimeSpan RequestTimeout { get; init; } = TokenExchange.Silo.TokenExchangeSiloOptions.DefaultRequestTimeout;

    /// <summary>
    /// After SIGTERM, how long the silo reports unready but keeps serving new requests, so load balancers stop
    /// sending it any before it leaves; default 5 s in a cluster, none for the embedded single node.
    /// </summary>
    public TimeSpan DrainDelay { get; init; } = TimeSpan.Zero;

    public static readonly TimeSpan DefaultClusterDrainDelay = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest a graceful stop takes after the drain delay: in-flight requests finish and the silo
    /// leaves the cluster (hands its grains back) within this, or the process ends anyway.
    /// </summary>
    public static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(25);

    public bool IsEmbedded => Postgres is null;

    /// <summary>The embedded mode on its local database (not <see cref="Ephemeral"/>).</summary>
    public bool IsEmbeddedDurable => Postgres is null && Data is not null;

    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>
    {
        ["--config"] = "config",
        ["--http"] = "http",
        ["--grpc"] = "grpc",
        ["--issuer"] = "issuer",
        ["--dev-issuer"] = "devIssuer",
        ["--dev-issuer-key"] = "devIssuerKey",
        ["--silo-port"] = "siloPort",
        ["--cluster-cert"] = "clusterCert",
        ["--cluster-key"] = "clusterKey",
        ["--cluster-ca"] = "clusterCa",
        ["--insecure-cluster-transport"] = "insecureClusterTransport",
        ["--container"] = "container",
        ["--postgres"] = "postgres",
        ["--migrate"] = "migrate",
        ["--cluster-id"] = "clusterId",
        ["--service-id"] = "serviceId",
        ["--advertised-address"] = "advertisedAddress",
        ["--kubernetes"] = "kubernetes",
        ["--probe-timeout"] = "probeTimeout",
        ["--missed-probes"] = "missedProbes",
        ["--death-vote-expiry"] = "deathVoteExpiry",
        ["--i-am-alive-period"] = "iAmAlivePeriod",
        ["--table-refresh"] = "tableRefresh",
        ["--plugins"] = "plugins",
        ["--key-encryption-key"] = "keyEncryptionKey",
        ["--key-rotation-period"] = "keyRotationPeriod",
        ["--key-activation-delay"] = "keyActivationDelay",
        ["--key-retention"] = "keyRetention",
        ["--signing-algorithm"] = "signingAlgorithm",
        ["--otlp-endpoint"] = "otlpEndpoint",
        ["--session-idle-timeout"] = "sessionIdleTimeout",
        ["--tls-cert"] = "tlsCert",
        ["--tls-key"] = "tlsKey",
        ["--tls-cert-password"] = "tlsCertPassword",
        ["--tls-client-certificates"] = "tlsClientCertificates",
        ["--tls-client-ca"] = "tlsClientCa",
        ["--tls-reload-period"] = "tlsReloadPeriod",
        ["--rate-limit-per-address"] = "rateLimitPerAddress",
        ["--audit"] = "audit",
        ["--trusted-proxies"] = "trustedProxies",
        ["--data"] = "data",
        ["--ephemeral"] = "ephemeral",
        ["--request-timeout"] = "requestTimeout",
        ["--drain-delay"] = "drainDelay",
    };

    /// <summary>What the container image prints when started without a configuration: how to start a dev node instead.</summary>
    public const string ContainerNeedsConfiguration =
        "this image runs a cluster node: give --config (TX_CONFIG) and --postgres (TX_POSTGRES); for a development node on this machine run: "
        + "docker run --rm -p 127.0.0.1:8080:8080 -p 127.0.0.1:8081:8081 IMAGE --config config/dev.yaml --http http://0.0.0.0:8080 --grpc http://0.0.0.0:8081 --dev-issuer true";

    public static ServerSettings From(IConfiguration configuration)
    {
        var defaults = new ServerSettings();
        var postgres = configuration["postgres"] is { Length: > 0 } connection ? connection : null;
        if (postgres is not null) Storage.PostgresConnections.Parse(postgres); // a malformed one fails here, by name
        var container = Bool(configuration["container"], "--container") ?? false;
        if (container && configuration["config"] is null)
            throw new ArgumentException(ContainerNeedsConfiguration);
        var tls = TlsSettings.From(configuration);
        var ephemeral = Bool(configuration["ephemeral"], "--ephemeral") ?? false;
        var http = ListenUrl(configuration["http"], "--http", tls) ?? Secure(defaults.Http, tls);
        // Subject tokens for any subject, without credentials: by default only for callers on this machine.
        var devIssuerExplicit = Bool(configuration["devIssuer"], "--dev-issuer");
        var devIssuer = devIssuerExplicit ?? (postgres is null && IPAddress.IsLoopback(EndPoint(http).Address));
        var insecure = Bool(configuration["insecureClusterTransport"], "--insecure-cluster-transport") ?? false;
        return new ServerSettings
        {
            ConfigPath = configuration["config"] ?? defaults.ConfigPath,
            Container = container,
            Http = http,
            Grpc = ListenUrl(configuration["grpc"], "--grpc", tls) ?? Secure(defaults.Grpc, tls),
            Tls = tls,
            Issuer = Url(configuration["issuer"], "--issuer")?.ToString().TrimEnd('/'),
            DevIssuer = devIssuer,
            DevIssuerExplicit = devIssuerExplicit == true,
            // TX_DEVISSUERKEY by the usual naming, TX_DEV_ISSUER_KEY as well.
            DevIssuerKey = DevIssuerKeyFrom(configuration["devIssuerKey"] ?? configuration["DEV_ISSUER_KEY"], devIssuer),
            SiloPort = Port(configuration["siloPort"], "--silo-port") ?? defaults.SiloPort,
            Postgres = postgres,
            Ephemeral = ephemeral,
            Data = DataFolderFrom(configuration["data"], postgres, ephemeral),
            Migrate = Bool(configuration["migrate"], "--migrate") ?? false,
            ClusterId = Name(configuration["clusterId"], "--cluster-id") ?? defaults.ClusterId,
            ServiceId = Name(configuration["serviceId"], "--service-id") ?? defaults.ServiceId,
            AdvertisedAddress = Address(configuration["advertisedAddress"], "--advertised-address") ?? defaults.AdvertisedAddress,
            Kubernetes = Bool(configuration["kubernetes"], "--kubernetes") ?? false,
            KeyEncryptionKey = KeyEncryptionKeyFrom(configuration["keyEncryptionKey"], postgres),
            ClusterTls = ClusterTlsSettings.From(configuration, clusterMode: postgres is not null, insecure),
            InsecureClusterTransport = insecure && postgres is not null,
            KeyRotation = new KeyRotationPolicy(
                LongDuration(configuration["keyRotationPeriod"], "--key-rotation-period", TimeSpan.FromHours(1), TimeSpan.FromDays(365)) ?? KeyRotationPolicy.Default.Period,
                LongDuration(configuration["keyActivationDelay"], "--key-activation-delay", TimeSpan.Zero, TimeSpan.FromDays(1)) ?? KeyRotationPolicy.Default.ActivationDelay,
                LongDuration(configuration["keyRetention"], "--key-retention", TimeSpan.FromMinutes(1), TimeSpan.FromDays(30)) ?? KeyRotationPolicy.Default.Retention)
            {
                Algorithm = configuration["signingAlgorithm"] is { } algorithm
                    ? TokenExchange.Tokens.SigningKey.Algorithms.FirstOrDefault(a => a.Equals(algorithm, StringComparison.OrdinalIgnoreCase))
                        ?? throw new ArgumentException($"--signing-algorithm: '{algorithm}' is not ES256 or RS256")
                    : KeyRotationPolicy.Default.Algorithm,
            },
            // TX_OTLPENDPOINT by the usual naming, TX_OTLP_ENDPOINT as well.
            OtlpEndpoint = (configuration["otlpEndpoint"] ?? configuration["OTLP_ENDPOINT"]) is { Length: > 0 } otlp
                ? Uri.TryCreate(otlp, UriKind.Absolute, out var collector) && (collector.Scheme == Uri.UriSchemeHttp || collector.Scheme == Uri.UriSchemeHttps)
                    ? collector
                    : throw new ArgumentException($"--otlp-endpoint: '{otlp}' is not an http(s):// URL")
                : null,
            SessionIdleTimeout = LongDuration(configuration["sessionIdleTimeout"], "--session-idle-timeout", TimeSpan.FromSeconds(10), TimeSpan.FromDays(1)),
            RateLimitPerAddress = configuration["rateLimitPerAddress"] is { } perAddress
                ? int.TryParse(perAddress, NumberStyles.None, CultureInfo.InvariantCulture, out var rate) && rate <= 1_000_000 ? rate
                    : throw new ArgumentException($"--rate-limit-per-address: '{perAddress}' is not a number of requests per second from 0 (off) to 1000000")
                : 0,
            // TX_TRUSTEDPROXIES by the usual naming, TX_TRUSTED_PROXIES as well.
            TrustedProxies = TrustedProxiesFrom(configuration["trustedProxies"] ?? configuration["TRUSTED_PROXIES"]),
            AuditToPostgres = configuration["audit"] switch
            {
                null or "log" => false,
                "postgres" => postgres is not null ? true : throw new ArgumentException("--audit postgres needs --postgres (the audit table lives in the cluster's database)"),
                var other => throw new ArgumentException($"--audit: '{other}' is not log or postgres"),
            },
            RequestTimeout = LongDuration(configuration["requestTimeout"], "--request-timeout", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)) ?? defaults.RequestTimeout,
            DrainDelay = LongDuration(configuration["drainDelay"], "--drain-delay", TimeSpan.Zero, TimeSpan.FromMinutes(5)) ?? (postgres is null ? TimeSpan.Zero : DefaultClusterDrainDelay),
            Plugins = configuration["plugins"] is { Length: > 0 } plugins
                ? Directory.Exists(plugins) ? Path.GetFullPath(plugins) : throw new ArgumentException($"--plugins: folder '{plugins}' does not exist")
                : null,
            Membership = new MembershipTimings
            {
                ProbeTimeout = Duration(configuration["probeTimeout"], "--probe-timeout") ?? defaults.Membership.ProbeTimeout,
                MissedProbes = Count(configuration["missedProbes"], "--missed-probes") ?? defaults.Membership.MissedProbes,
                DeathVoteExpiry = Duration(configuration["deathVoteExpiry"], "--death-vote-expiry") ?? defaults.Membership.DeathVoteExpiry,
                IAmAlivePeriod = Duration(configuration["iAmAlivePeriod"], "--i-am-alive-period") ?? defaults.Membership.IAmAlivePeriod,
                TableRefresh = Duration(configuration["tableRefresh"], "--table-refresh") ?? defaults.Membership.TableRefresh,
            },
        };
    }

    /// <summary>
    /// The settings as text for logs and debuggers: addresses and identities, never the PostgreSQL password,
    /// the key-encryption key or the certificate password.
    /// </summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"ConfigPath = {ConfigPath}, Http = {Http}, Grpc = {Grpc}, Issuer = {Issuer}, ClusterId = {ClusterId}, ServiceId = {ServiceId}, ");
        builder.Append($"Postgres = {(Postgres is null ? Ephemeral ? "(embedded, ephemeral)" : $"(embedded, data {Data})" : Storage.PostgresConnections.Describe(Storage.PostgresConnections.Parse(Postgres)))}, ");
        builder.Append($"KeyEncryptionKey = {(KeyEncryptionKey is not null ? "*****" : IsEmbeddedDurable ? "(the data folder's key file)" : "(generated)")}, Tls = {Tls?.ToString() ?? "(off)"}, ");
        builder.Append($"ClusterTls = {ClusterTls?.ToString() ?? (InsecureClusterTransport ? "(insecure)" : "(off)")}");
        return true;
    }

    /// <summary>The address to listen on for a front-door URL: an IP literal or localhost (loopback).</summary>
    public static IPEndPoint EndPoint(Uri url) =>
        new(url.IsLoopback && url.HostNameType == UriHostNameType.Dns ? IPAddress.Loopback : IPAddress.Parse(url.Host), url.Port);

    private static Uri? Url(string? value, string option)
    {
        if (value is null) return null;
        var issuer = option == "--issuer";
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || !(url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
            throw new ArgumentException($"{option}: '{value}' is not an http(s):// URL");
        if (url.HostNameType == UriHostNameType.Dns && !url.IsLoopback && !issuer)
            throw new ArgumentException($"{option}: use an IP address or localhost to listen on, not '{url.Host}'");
        return url;
    }

    /// <summary>
    /// A front door's address: https when TLS is configured (given as http:// or https://), plain http
    /// otherwise; https without a certificate is a mistake, reported by name.
    /// </summary>
    private static Uri? ListenUrl(string? value, string option, TlsSettings? tls)
    {
        var url = Url(value, option);
        if (url is null) return null;
        if (url.Scheme == Uri.UriSchemeHttps && tls is null)
            throw new ArgumentException($"{option}: '{value}' is https, which needs --tls-cert (the server certificate)");
        return Secure(url, tls);
    }

    private static Uri Secure(Uri url, TlsSettings? tls) =>
        tls is null || url.Scheme == Uri.UriSchemeHttps ? url : new UriBuilder(url) { Scheme = Uri.UriSchemeHttps, Port = url.Port }.Uri;

    private static bool? Bool(string? value, string option) =>
        value is null ? null : bool.TryParse(value, out var b) ? b : throw new ArgumentException($"{option}: '{value}' is not true or false");

    private static int? Port(string? value, string option) =>
        value is null ? null : int.TryParse(value, out var p) && p is >= 0 and <= 65535 ? p : throw new ArgumentException($"{option}: '{value}' is not a port");

    private static int? Count(string? value, string option) =>
        value is null ? null : int.TryParse(value, out var n) && n is >= 1 and <= 100 ? n : throw new ArgumentException($"{option}: '{value}' is not a count from 1 to 100");

    private static TimeSpan? Duration(string? value, string option) =>
        value is null ? null
        : TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var d) && d > TimeSpan.Zero && d <= TimeSpan.FromHours(1) ? d
        : throw new ArgumentException($"{option}: '{value}' is not a duration (hh:mm:ss) of at most an hour");

    private static TimeSpan? LongDuration(string? value, string option, TimeSpan min, TimeSpan max) =>
        value is null ? null
        : TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var d) && d >= min && d <= max ? d
        : throw new ArgumentException($"{option}: '{value}' is not a duration ([d.]hh:mm:ss) between {min} and {max}");

    /// <summary>
    /// Durable state needs a key-encryption key that outlives the process: with PostgreSQL it is given; the
    /// embedded mode keeps one in a file beside its database unless given one (or, ephemeral, generates one).
    /// </summary>
    private static string? KeyEncryptionKeyFrom(string? value, string? postgres)
    {
        if (value is null)
            return postgres is null ? null : throw new ArgumentException("--key-encryption-key (or TX_KEYENCRYPTIONKEY) is required with PostgreSQL: the base64 of 32 random bytes, e.g. openssl rand -base64 32");
        TokenExchange.Tokens.KeyProtector.FromBase64(value); // a malformed key fails here, by name
        return value;
    }

    /// <summary>
    /// Where the embedded state lives: <c>--data</c>, else the user's local application data folder. The
    /// options that contradict each other are refused by name rather than one silently ignored.
    /// </summary>
    private static string? DataFolderFrom(string? value, string? postgres, bool ephemeral)
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

    private static string? DevIssuerKeyFrom(string? path, bool devIssuer)
    {
        if (path is null) return null;
        if (!devIssuer) throw new ArgumentException("--dev-issuer-key: the dev issuer is off (--dev-issuer false, or --http not on loopback without --dev-issuer true)");
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

    /// <summary>Comma-separated CIDR ranges (<c>10.0.0.0/8</c>, <c>fd00::/8</c>) or single addresses.</summary>
    private static IPNetwork[] TrustedProxiesFrom(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return [];
        return [.. value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(range =>
            IPNetwork.TryParse(range, out var network) ? network
            : IPAddress.TryParse(range, out var address) ? new IPNetwork(address, address.GetAddressBytes().Length * 8)
            : throw new ArgumentException($"--trusted-proxies: '{range}' is not an IP address or a CIDR range (e.g. 10.0.0.0/8 or 192.0.2.7)"))];
    }

    private static IPAddress? Address(string? value, string option) =>
        value is null ? null : IPAddress.TryParse(value, out var a) ? a : throw new ArgumentException($"{option}: '{value}' is not an IP address");

    private static string? Name(string? value, string option) =>
        value is null ? null
        : value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? value
        : throw new ArgumentException($"{option}: '{value}' must be 1-64 letters, digits, '-', '_' or '.'");
}

/// <summary>
/// How fast the cluster declares a silo dead. A silo is probed every <see cref="ProbeTimeout"/>; after
/// <see cref="MissedProbes"/> misses its probers vote it dead. The defaults detect a dead silo in about
/// 5-10 seconds (Orleans' own defaults take about a minute); see README.
/// </summary>
public sealed record MembershipTimings
{
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);
    public int MissedProbes { get; init; } = 2;
    public TimeSpan DeathVoteExpiry { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan IAmAlivePeriod { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan TableRefresh { get; init; } = TimeSpan.FromSeconds(5);
}
