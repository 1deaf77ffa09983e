using System.Globalization;
using System.Net;
using TokenExchange.Storage;
using TokenExchange.Tokens;

namespace TokenExchange.Server.Hosting;

/// <summary>
/// The server's options, each declared once: switch, placeholder, default and meaning (README's options table is
/// <see cref="All"/>, checked by a test), and how its own text is read. Reading one never reads a file; the rules
/// between options are <see cref="ServerSettingsParser"/>'s, the files they name <see cref="ServerSettingsFiles"/>'.
/// </summary>
public static class ServerOptions
{
    public static readonly ServerOption<string?> Config = new("--config", "FILE", "`config/dev.yaml`",
        "apps, handlers and users (YAML, below)", v => v.Text);
    public static readonly ServerOption<Uri?> Http = new("--http", "URL", "`http://127.0.0.1:8080`",
        "HTTP/1.1 front door: token endpoint, discovery, JWKS", v => v.ListenUrl());
    public static readonly ServerOption<Uri?> Grpc = new("--grpc", "URL", "`http://127.0.0.1:8081`",
        "gRPC front door (HTTP/2 cleartext; over TLS with `--tls-cert`)", v => v.ListenUrl());
    public static readonly ServerOption<Uri?> Issuer = new("--issuer", "URL", "the HTTP URL",
        "`iss` of issued tokens (may be https behind a proxy)", v => v.Url());
    public static readonly ServerOption<string?> TrustDomain = new("--trust-domain", "ID", "the issuer",
        "the trust domain transaction tokens are issued for and accepted in (their `aud`; a name such as `trust-domain.example` or a URL); every silo of a cluster must share it",
        v => v.NonBlank() is { } domain && !domain.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) ? domain : throw v.Error("is not a trust domain name (no spaces or control characters)"));
    public static readonly ServerOption<bool?> DevIssuer = new("--dev-issuer", "true|false", "on when embedded with `--http` on loopback; off otherwise",
        "serve the built-in dev issuer under `/dev-issuer/`; `true` serves it on any bind, with a warning at every start (Security, Development defaults)", v => v.Bool());
    public static readonly ServerOption<string?> DevIssuerKey = new("--dev-issuer-key", "FILE", "(none: a key the cluster generates)",
        "PEM private key (PKCS#8 EC P-256) the dev issuer signs with, so `txctl bench` can mint its subject tokens itself (`TX_DEV_ISSUER_KEY`)", v => v.Text)
    { Alias = "DEV_ISSUER_KEY" };
    public static readonly ServerOption<int?> SiloPort = new("--silo-port", "N", "11111",
        "Orleans silo-to-silo port (127.0.0.1 when embedded); there is no Orleans client gateway", v => v.Port());
    public static readonly ServerOption<string?> ClusterCert = new("--cluster-cert", "FILE", "(none)",
        "the cluster certificate (PEM, with its PEM key unless the file holds both) for mutual TLS between silos; required with PostgreSQL (Security, Cluster network)", v => v.NonBlank());
    public static readonly ServerOption<string?> ClusterKey = new("--cluster-key", "FILE", "(none: in the certificate file)",
        "the PEM private key of the cluster certificate", v => v.NonBlank());
    public static readonly ServerOption<string?> ClusterCa = new("--cluster-ca", "FILE", "(none: pinned)",
        "PEM bundle of the CA(s) a peer silo's certificate must chain to; without it a peer must present the very same certificate", v => v.NonBlank());
    public static readonly ServerOption<bool?> InsecureClusterTransport = new("--insecure-cluster-transport", "true", "false",
        "let a PostgreSQL cluster run without a cluster certificate (plain TCP between silos), with a warning at every start", v => v.Bool());
    public static readonly ServerOption<bool?> Container = new("--container", "true", "false (the image sets `TX_CONTAINER=true`)",
        "refuse the development defaults: `--config` must be given (Security, Development defaults)", v => v.Bool());
    public static readonly ServerOption<string?> Postgres = new("--postgres", "CONNSTR", "(none: embedded)",
        "run on PostgreSQL: Orleans ADO.NET clustering and grain state", ConnectionString);
    public static readonly ServerOption<string?> Data = new("--data", "DIR", "`$XDG_DATA_HOME/token-exchange`, else `~/.local/share/token-exchange`",
        "embedded: the folder of the SQLite database and its key-encryption key file (below, embedded state)", v => v.Text);
    public static readonly ServerOption<bool?> Ephemeral = new("--ephemeral", "true", "false",
        "embedded: state in memory only, lost when the process stops (tests, throw-away runs)", v => v.Bool());
    public static readonly ServerOption<bool?> Migrate = new("--migrate", "true", "false",
        "apply the schema at start-up (else `txctl db migrate`)", v => v.Bool());
    public static readonly ServerOption<string?> ClusterId = new("--cluster-id", "ID", "`token-exchange`",
        "Orleans cluster id", v => v.Name());
    public static readonly ServerOption<string?> ServiceId = new("--service-id", "ID", "`token-exchange`",
        "Orleans service id", v => v.Name());
    public static readonly ServerOption<IPAddress?> AdvertisedAddress = new("--advertised-address", "IP", "127.0.0.1",
        "the address other silos reach this one at", v => v.Address());
    public static readonly ServerOption<bool?> Kubernetes = new("--kubernetes", "true", "false",
        "Orleans Kubernetes hosting (pod name and IP as silo identity)", v => v.Bool());
    public static readonly ServerOption<TimeSpan?> ProbeTimeout = new("--probe-timeout", "", "2 s",
        "membership: how often a silo probes the others (below, membership timings)", v => v.ShortDuration());
    public static readonly ServerOption<int?> MissedProbes = new("--missed-probes", "", "2",
        "membership: the missed probes after which a silo's probers vote it dead", v => v.Count());
    public static readonly ServerOption<TimeSpan?> DeathVoteExpiry = new("--death-vote-expiry", "", "30 s",
        "membership: how long a vote that a silo is dead counts", v => v.ShortDuration());
    public static readonly ServerOption<TimeSpan?> IAmAlivePeriod = new("--i-am-alive-period", "", "5 s",
        "membership: how often each silo writes its I-am-alive record", v => v.ShortDuration());
    public static readonly ServerOption<TimeSpan?> TableRefresh = new("--table-refresh", "", "5 s",
        "membership: how often each silo re-reads the membership table", v => v.ShortDuration());
    public static readonly ServerOption<string?> Plugins = new("--plugins", "DIR", "(none)",
        "folder of operators' handler assemblies (below)", v => v.NonEmpty());
    public static readonly ServerOption<string?> KeyEncryptionKey = new("--key-encryption-key", "B64", "embedded: the data folder's key file; `--ephemeral`: generated",
        "encrypts the signing keys at rest; required with PostgreSQL (`openssl rand -base64 32`)", WellFormedKey);
    public static readonly ServerOption<TimeSpan?> KeyRotationPeriod = new("--key-rotation-period", "", "30 days",
        "signing keys: how often a new key is made (below, signing keys)", v => v.Duration(TimeSpan.FromHours(1), TimeSpan.FromDays(365)));
    public static readonly ServerOption<TimeSpan?> KeyActivationDelay = new("--key-activation-delay", "", "5 min",
        "signing keys: how long a new key is published before it signs", v => v.Duration(TimeSpan.Zero, TimeSpan.FromDays(1)));
    public static readonly ServerOption<TimeSpan?> KeyRetention = new("--key-retention", "", "1 day 5 min",
        "signing keys: how long a replaced key stays published", v => v.Duration(TimeSpan.FromMinutes(1), TimeSpan.FromDays(30)));
    public static readonly ServerOption<string?> SigningAlgorithm = new("--signing-algorithm", "ES256|RS256", "ES256",
        "algorithm of new signing keys (existing keys keep theirs until rotated)",
        v => SigningKey.Algorithms.FirstOrDefault(a => a.Equals(v.Text, StringComparison.OrdinalIgnoreCase)) ?? throw v.Error("is not ES256 or RS256"));
    public static readonly ServerOption<Uri?> OtlpEndpoint = new("--otlp-endpoint", "URL", "(none)",
        "OTLP/gRPC collector (e.g. `http://otel-collector:4317`): metrics and traces are exported to it; without it there is no tracing at all", v => v.NonEmpty() is null ? null : v.Url())
    { Alias = "OTLP_ENDPOINT" };
    public static readonly ServerOption<TimeSpan?> SessionIdleTimeout = new("--session-idle-timeout", "", "15 min",
        "a subject's session leaves memory after this long without an exchange (10 s to 1 day); its user goes sooner: once the session holds it, else after at most 2 min", v => v.Duration(TimeSpan.FromSeconds(10), TimeSpan.FromDays(1)));
    public static readonly ServerOption<int?> WarmupExchanges = new("--warmup-exchanges", "N", "300",
        "in-memory exchanges (a throwaway app, handler and keys; no user, session or log line) run at start before the silo reports ready, so the JIT has compiled the exchange path; 0 turns the warm-up off",
        v => int.TryParse(v.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 100_000 ? n : throw v.Error("is not a number of exchanges from 0 (off) to 100000"));
    public static readonly ServerOption<TimeSpan?> WarmupTimeout = new("--warmup-timeout", "", "20 s",
        "after the warm-up's exchanges, how long it may go on (the same exchanges, 16 at once, their users through a grain call to a stateless warm-up grain, each with a new subject's grain activations read only, and calls through both front doors over loopback) until the tiered JIT has stopped compiling what they run; readiness waits for it; 0 ends the warm-up after its exchanges",
        v => v.Duration(TimeSpan.Zero, TimeSpan.FromMinutes(1)));

    // The TLS options are read together, by TlsSettings: each is only text until --tls-cert says TLS is on.
    public static readonly ServerOption<string?> TlsCert = new("--tls-cert", "FILE", "(none: plain HTTP)",
        "TLS on both front doors: a PEM chain (with its PEM key), or a PFX (below)", v => v.NonBlank());
    public static readonly ServerOption<string?> TlsKey = new("--tls-key", "FILE", "(none: in the certificate file)",
        "the PEM private key of the TLS certificate", v => v.NonBlank());
    public static readonly ServerOption<string?> TlsCertPassword = new("--tls-cert-password", "PW", "(none)",
        "the password of the PFX (or of an encrypted PEM key)", v => v.NonBlank());
    public static readonly ServerOption<string?> TlsClientCertificates = new("--tls-client-certificates", "allow|none", "none; allow with a CA bundle",
        "ask callers for a client certificate (never required): apps registered for mutual TLS authenticate with it", v => v.NonBlank());
    public static readonly ServerOption<string?> TlsClientCa = new("--tls-client-ca", "FILE", "(none)",
        "PEM bundle of the CAs of apps' certificates (`tls_client_auth`)", v => v.NonBlank());
    public static readonly ServerOption<string?> TlsReloadPeriod = new("--tls-reload-period", "", "00:01:00",
        "how often the certificate files are checked for a renewed certificate", v => v.NonBlank());

    public static readonly ServerOption<int?> RateLimitPerAddress = new("--rate-limit-per-address", "N", "0 (off)",
        "requests per second (and burst) one client address may make to each silo (below, rate limits)",
        v => int.TryParse(v.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var rate) && rate <= 1_000_000 ? rate
            : throw v.Error("is not a number of requests per second from 0 (off) to 1000000"));
    public static readonly ServerOption<bool?> Audit = new("--audit", "log|postgres", "log",
        "the audit trail goes to the log; with `postgres` also to the audit table (needs `--postgres`)",
        v => v.Text switch { "log" => false, "postgres" => true, _ => throw v.Error("is not log or postgres") });
    public static readonly ServerOption<IPNetwork[]?> TrustedProxies = new("--trusted-proxies", "CIDR,...", "(none)",
        "proxies whose `X-Forwarded-For` names the real caller (e.g. `10.0.0.0/8,fd00::/8` or single addresses; env `TX_TRUSTED_PROXIES`); see rate limits behind a proxy", Networks)
    { Alias = "TRUSTED_PROXIES" };
    public static readonly ServerOption<TimeSpan?> RequestTimeout = new("--request-timeout", "", "00:00:10",
        "how long a request's grain calls may take, retries after a silo died or left included; a sooner gRPC deadline wins (see Failover); also Orleans' response timeout for every grain call of the silo, never below 10 s", v => v.Duration(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)));
    public static readonly ServerOption<TimeSpan?> DrainDelay = new("--drain-delay", "", "5 s with PostgreSQL, 0 embedded",
        "after SIGTERM: unready at once, still serving for this long, then in-flight requests finish and the silo leaves (see Failover)", v => v.Duration(TimeSpan.Zero, TimeSpan.FromMinutes(5)));

    /// <summary>Every option, in the order of README's table.</summary>
    public static readonly IReadOnlyList<ServerOption> All =
    [
        Config, Http, Grpc, Issuer, TrustDomain, DevIssuer, DevIssuerKey, SiloPort, ClusterCert, ClusterKey, ClusterCa, InsecureClusterTransport, Container,
        Postgres, Data, Ephemeral, Migrate, ClusterId, ServiceId, AdvertisedAddress, Kubernetes,
        ProbeTimeout, MissedProbes, DeathVoteExpiry, IAmAlivePeriod, TableRefresh, Plugins,
        KeyEncryptionKey, KeyRotationPeriod, KeyActivationDelay, KeyRetention, SigningAlgorithm, OtlpEndpoint, SessionIdleTimeout, WarmupExchanges, WarmupTimeout,
        TlsCert, TlsKey, TlsCertPassword, TlsClientCertificates, TlsClientCa, TlsReloadPeriod,
        RateLimitPerAddress, Audit, TrustedProxies, RequestTimeout, DrainDelay,
    ];

    /// <summary>The command line's switches and the configuration keys they set.</summary>
    public static IReadOnlyDictionary<string, string> SwitchMappings { get; } = All.ToDictionary(o => o.Name, o => o.Key);

    /// <summary>A connection string, checked for form only (a malformed one fails here, by name); empty: none.</summary>
    private static string? ConnectionString(OptionText v)
    {
        if (v.NonEmpty() is not { } connection) return null;
        PostgresConnections.Parse(connection);
        return connection;
    }

    private static string? WellFormedKey(OptionText v)
    {
        KeyProtector.FromBase64(v.Text); // a malformed key fails here, by name
        return v.Text;
    }

    /// <summary>Comma-separated CIDR ranges (<c>10.0.0.0/8</c>, <c>fd00::/8</c>) or single addresses.</summary>
    private static IPNetwork[]? Networks(OptionText v)
    {
        if (string.IsNullOrWhiteSpace(v.Text)) return [];
        return [.. v.Text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(range =>
            IPNetwork.TryParse(range, out var network) ? network
            : IPAddress.TryParse(range, out var address) ? new IPNetwork(address, address.GetAddressBytes().Length * 8)
            : throw new ArgumentException($"{v.Option}: '{range}' is not an IP address or a CIDR range (e.g. 10.0.0.0/8 or 192.0.2.7)"))];
    }
}
