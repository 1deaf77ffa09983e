using System.Net;
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

    /// <summary>The trust domain of transaction tokens (their <c>aud</c>); null: the issuer.</summary>
    public string? TrustDomain { get; init; }

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
    /// How long a subject's grains (its session and its user) stay in memory without an
    /// exchange; null keeps Orleans' default collection age.
    /// </summary>
    public TimeSpan? SessionIdleTimeout { get; init; }

    /// <summary>In-memory exchanges run before the silo reports ready (warm start, issue 15); 0 turns the warm-up off.</summary>
    public int WarmupExchanges { get; init; } = DefaultWarmupExchanges;

    public const int DefaultWarmupExchanges = 300;

    /// <summary>
    /// How long the warm-up may go on after its exchanges, through the front doors too, until the JIT is quiet
    /// (<see cref="Warmup.ExchangeWarmup"/>); zero ends it after the exchanges.
    /// </summary>
    public TimeSpan WarmupTimeout { get; init; } = DefaultWarmupTimeout;

    public static readonly TimeSpan DefaultWarmupTimeout = TimeSpan.FromSeconds(20);

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

    /// <summary>The command line's switches and the configuration keys they set (<see cref="ServerOptions"/>).</summary>
    public static IReadOnlyDictionary<string, string> SwitchMappings => ServerOptions.SwitchMappings;

    /// <summary>What the container image prints when started without a configuration: how to start a dev node instead.</summary>
    public const string ContainerNeedsConfiguration =
        "this image runs a cluster node: give --config (TX_CONFIG) and --postgres (TX_POSTGRES); for a development node on this machine run: "
        + "docker run --rm -p 127.0.0.1:8080:8080 -p 127.0.0.1:8081:8081 IMAGE --config config/dev.yaml --http http://0.0.0.0:8080 --grpc http://0.0.0.0:8081 --dev-issuer true";

    /// <summary>
    /// The settings the configuration gives: the options parsed and checked together, reading no file
    /// (<see cref="ServerSettingsParser"/>), then the files they name checked (<see cref="ServerSettingsFiles"/>).
    /// </summary>
    public static ServerSettings From(IConfiguration configuration) => ServerSettingsFiles.Check(ServerSettingsParser.Parse(configuration));

    /// <summary>
    /// The settings as text for logs and debuggers: addresses and identities, never the PostgreSQL password,
    /// the key-encryption key or the certificate password.
    /// </summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"ConfigPath = {ConfigPath}, Http = {Http}, Grpc = {Grpc}, Issuer = {Issuer}, TrustDomain = {TrustDomain}, ClusterId = {ClusterId}, ServiceId = {ServiceId}, ");
        builder.Append($"Postgres = {(Postgres is null ? Ephemeral ? "(embedded, ephemeral)" : $"(embedded, data {Data})" : Storage.PostgresConnections.Describe(Storage.PostgresConnections.Parse(Postgres)))}, ");
        builder.Append($"KeyEncryptionKey = {(KeyEncryptionKey is not null ? "*****" : IsEmbeddedDurable ? "(the data folder's key file)" : "(generated)")}, Tls = {Tls?.ToString() ?? "(off)"}, ");
        builder.Append($"ClusterTls = {ClusterTls?.ToString() ?? (InsecureClusterTransport ? "(insecure)" : "(off)")}");
        return true;
    }

    /// <summary>The address to listen on for a front-door URL: an IP literal or localhost (loopback).</summary>
    public static IPEndPoint EndPoint(Uri url) =>
        new(url.IsLoopback && url.HostNameType == UriHostNameType.Dns ? IPAddress.Loopback : IPAddress.Parse(url.Host), url.Port);
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
