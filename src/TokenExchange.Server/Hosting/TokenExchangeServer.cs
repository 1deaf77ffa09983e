using TokenExchange.Configuration;
using TokenExchange.Server.Admin;
using TokenExchange.Server.Audit;
using TokenExchange.Server.Embedded;
using TokenExchange.Server.Grpc;
using TokenExchange.Server.Health;
using TokenExchange.Server.Hosting.Listeners;
using TokenExchange.Server.Http;
using TokenExchange.Server.Observability;
using TokenExchange.Server.Setup;
using TokenExchange.Server.Tls;
using TokenExchange.Server.Warmup;
using TokenExchange.Silo;
using TokenExchange.Silo.Limits;
using TokenExchange.Storage;
using TokenExchange.Tokens;

namespace TokenExchange.Server.Hosting;

/// <summary>
/// One node of the cluster: an Orleans silo with the gRPC and HTTP front doors in one process.
/// Used by Program and, unchanged, by the end-to-end tests.
/// </summary>
public sealed class TokenExchangeServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly FrontDoorListeners listeners;
    private readonly EmbeddedState? embedded;

    private readonly ClusterCertificate? clusterCertificate;

    private TokenExchangeServer(WebApplication app, ServerSettings settings, FrontDoorListeners listeners, EmbeddedState? embedded, ClusterCertificate? clusterCertificate)
    {
        this.app = app;
        this.listeners = listeners;
        this.embedded = embedded;
        this.clusterCertificate = clusterCertificate;
        Settings = settings;
    }

    public ServerSettings Settings { get; }
    public IServiceProvider Services => app.Services;

    /// <summary>The HTTP front door's address (actual port, also when configured as 0).</summary>
    public Uri HttpAddress => listeners.HttpAddress;

    /// <summary>The gRPC front door's address (HTTP/2 cleartext, or over TLS with --tls-cert).</summary>
    public Uri GrpcAddress => listeners.GrpcAddress;

    public string Issuer => Services.GetRequiredService<ClusterIssuer>().Value;

    public static TokenExchangeServer Create(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        // No configuration file is reloaded: the server reads no appsettings.json, and watching for one made the host
        // watch its content root (the working directory) and every folder below it, one inotify watch each (1,161 from
        // a clone of this repository), and wake on every write there, the embedded database's included.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. args, $"--{ReloadConfigOnChange}=false"] });
        // Precedence, lowest first: the configuration file's server: section, TX_* variables, the command line.
        var switches = ServerSettings.SwitchMappings.ToDictionary();
        var early = new ConfigurationBuilder().AddEnvironmentVariables("TX_").AddCommandLine(args, switches).Build();
        var configPath = ResolveConfigPath(early["config"] ?? ServerSettings.DefaultConfigPath);
        builder.Configuration.AddInMemoryCollection(ReadConfig(configPath, ConfigLoader.ReadServerSection));
        builder.Configuration.AddEnvironmentVariables("TX_");
        builder.Configuration.AddCommandLine(args, switches);
        var settings = ServerSettings.From(builder.Configuration);
        var definitions = ReadConfig(configPath, ConfigLoader.LoadFile);
        // The embedded database is opened (and its folder locked) before anything listens: a second server on
        // the same folder, or a damaged file, stops here with one line.
        var embedded = settings.IsEmbeddedDurable ? EmbeddedState.Open(settings.Data!, keyFile: settings.KeyEncryptionKey is null) : null;
        try
        {
            return Create(builder, settings, configPath, definitions, embedded, customize);
        }
        catch
        {
            embedded?.Dispose();
            throw;
        }
    }

    private static TokenExchangeServer Create(WebApplicationBuilder builder, ServerSettings settings, string configPath, ClusterDefinitions definitions,
        EmbeddedState? embedded, Action<WebApplicationBuilder>? customize)
    {
        var certificate = settings.LoadServerCertificate();
        var clusterCertificate = settings.ClusterTls is { } clusterTls ? ClusterCertificate.Load(clusterTls, TimeProvider.System) : null;
        var listeners = FrontDoorListeners.Configure(builder, settings, certificate);
        builder.Services.AddTokenExchangeTls(certificate);

        var issuer = settings.Issuer ?? (settings.Http.Port != 0 ? settings.Http.GetLeftPart(UriPartial.Authority) : null);
        builder.Services.AddSingleton(new ClusterIssuer(issuer));
        builder.UseOrleans(silo =>
        {
            SiloSetup.Configure(silo, settings, embedded?.Database, clusterCertificate);
            silo.AddSetupDashboard();
        });
        builder.Services.AddTokenExchangeSilo(options =>
        {
            options.Seed = definitions;
            options.EnableDevIssuer = settings.DevIssuer;
            options.DevIssuerKey = settings.DevIssuerKey is { } devKey ? SigningKey.FromPem(File.ReadAllText(devKey)) : null;
            options.PluginsFolder = settings.Plugins;
            options.TrustDomain = settings.TrustDomain;
            options.KeyEncryptionKey = settings.KeyEncryptionKey ?? embedded?.KeyEncryptionKey;
            options.KeyRotation = settings.KeyRotation;
            options.RateLimits = new RateLimitOptions { PerAddressRequestsPerSecond = settings.RateLimitPerAddress };
            options.RequestTimeout = settings.RequestTimeout;
        });
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<GracefulLeave>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GracefulLeave>());
        // The drain delay, then in-flight requests and the silo's leave, before the process gives up waiting.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = settings.DrainDelay + ServerSettings.LeaveTimeout);
        builder.Services.AddTokenExchangeHealth(settings.Postgres);
        builder.Services.AddExchangeWarmup();
        if (settings.AuditToPostgres) builder.Services.AddPostgresAudit(settings.Postgres!);
        builder.Services.AddTokenExchangeTelemetry(settings);
        builder.Services.AddSingleton(new AdminAuthority(definitions.AdminKeyHashes, definitions.AdminTokenHolders));
        builder.Services.AddSingleton<AdminAuthenticator>();
        builder.Services.AddSingleton<KeyAdmin>();
        builder.Services.AddSingleton<AdminAudit>();
        builder.Services.AddSetupPages();
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = 64 * 1024;
            options.EnableDetailedErrors = false;
            // No catch-all routes for unknown services and methods: each was a second route candidate for every call,
            // whose route values were built on every exchange (issue 15). An unknown method gets routing's 404, which
            // gRPC clients read as Unimplemented (gRPC's HTTP status mapping), the status the catch-all answered.
            options.IgnoreUnknownServices = true;
        });
        // One instance serves every call (its dependencies are all singletons): unregistered, gRPC builds the service
        // anew for each call through ActivatorUtilities, resolving its six dependencies every time (issue 15).
        builder.Services.AddSingleton<TokenExchangeGrpcService>();
        // grpcurl-style tools list and describe the services without the .proto files.
        builder.Services.AddGrpcReflection();
        var logGate = new StartupLogGate();
        builder.Services.AddSingleton(logGate);
        logGate.AddTo(builder.Logging);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // ASP.NET Core starts an Activity and a log scope for every request whenever this category logs at any level,
        // even with nobody tracing (HostingApplicationDiagnostics): about 1 KB and an Activity's ids per exchange
        // (issue 15). It logs only requests' start and end (Information) and startup failures, which Program prints.
        // With --otlp-endpoint the tracer listens to ASP.NET Core's activity source, so server spans stay.
        builder.Logging.AddFilter(HostingDiagnosticsCategory, LogLevel.None);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        customize?.Invoke(builder);

        var app = builder.Build();
        app.UseForwardedClients(settings.TrustedProxies);
        // Explicitly after it (by default they would run first): a Setup sign-in's per-request check audits the caller's address.
        // Not on the exchange's own paths, which authenticate their clients themselves (client_secret, mTLS): there the
        // Setup sign-in cookie means nothing, and reading it would create a cookie handler for every exchange; nor their
        // authorization, whose endpoints carry no policy and which cost a request dictionary and an async frame per
        // exchange (issue 15). Should one of their endpoints ever carry a policy, ASP.NET Core's endpoint middleware
        // refuses to run it without the authorization middleware, so this fails closed.
        app.UseWhen(context => !IsExchangePath(context.Request.Path), branch => branch.UseAuthentication().UseAuthorization());
        // WebApplication adds UseAuthentication and UseAuthorization at the very start of the pipeline unless the app marks
        // that it called them; each marks the builder it is called on, and a UseWhen branch is a copy of the app's, so
        // without these marks every request, exchanges included, went through both first (ExchangePathAuthenticationTests).
        ((IApplicationBuilder)app).Properties[AuthenticationMiddlewareSetKey] = true;
        ((IApplicationBuilder)app).Properties[AuthorizationMiddlewareSetKey] = true;
        app.MapGrpcService<TokenExchangeGrpcService>();
        app.MapGrpcService<AdminGrpcService>();
        app.MapGrpcReflectionService();
        app.MapTokenExchangeMetrics();
        app.MapTokenExchangeHealth();
        app.MapTokenEndpoint();
        app.MapTokenManagementEndpoints();
        app.MapDiscoveryEndpoints();
        if (settings.DevIssuer) app.MapDevIssuerEndpoints();
        app.MapSetupPages();
        return new TokenExchangeServer(app, settings, listeners, embedded, clusterCertificate);
    }

    /// <summary>The log category of ASP.NET Core's per-request diagnostics (HostingApplicationDiagnostics).</summary>
    public const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>The mark <c>UseAuthentication</c> leaves in an application builder's properties (ASP.NET Core's AuthAppBuilderExtensions).</summary>
    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    /// <summary>The mark <c>UseAuthorization</c> leaves (ASP.NET Core's AuthorizationAppBuilderExtensions).</summary>
    private const string AuthorizationMiddlewareSetKey = "__AuthorizationMiddlewareSet";

    private static bool IsExchangePath(PathString path) =>
        path.StartsWithSegments(ExchangeGrpcPath) || path.StartsWithSegments(TokenEndpoint.Path);

    /// <summary>The gRPC token exchange service's methods (protos/tokenexchange/v1/token_exchange.proto).</summary>
    private static readonly PathString ExchangeGrpcPath = "/" + Protos.V1.TokenExchange.Descriptor.FullName;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Settings.Postgres is { } connection)
        {
            // Fail fast with one clear line when PostgreSQL cannot be reached, before Orleans tries.
            await (await PostgresConnections.OpenAsync(connection, cancellationToken)).DisposeAsync();
            if (Settings.Migrate)
            {
                var report = await PostgresMigrator.MigrateAsync(connection, cancellationToken);
                app.Logger.LogInformation("Schema migrations: {Applied} applied, {Present} already present", report.Applied.Count, report.AlreadyApplied.Count);
            }
        }
        LogTrustBoundaries();
        var logGate = Services.GetRequiredService<StartupLogGate>();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            logGate.MarkFailed();
            throw;
        }
        logGate.MarkStarted();
        // Without --issuer the HTTP address is the issuer; with port 0 it is known only now.
        var issuer = Services.GetRequiredService<ClusterIssuer>();
        if (!issuer.IsKnown) issuer.Set(HttpAddress.GetLeftPart(UriPartial.Authority));
        if (!Settings.IsEmbedded && Settings.Issuer is null)
            app.Logger.LogWarning("No --issuer given: this silo issues tokens as {Issuer}. Every silo of a cluster must share one issuer (the address clients and downstream services use).", Issuer);
        app.Logger.LogInformation("Listening: HTTP {HttpAddress}, gRPC {GrpcAddress}, issuer {Issuer}", HttpAddress, GrpcAddress, Issuer);
    }

    /// <summary>The doors an operator opened on purpose are named at every start, so they are not forgotten.</summary>
    private void LogTrustBoundaries()
    {
        if (clusterCertificate is not null)
            app.Logger.LogInformation("Cluster transport: mutual TLS between silos, {ClusterCertificate}", clusterCertificate.Description);
        if (Settings.InsecureClusterTransport)
            app.Logger.LogWarning("INSECURE CLUSTER TRANSPORT (--insecure-cluster-transport true): silo-to-silo traffic is plain TCP and any process that reaches the silo port {SiloPort} can join the cluster and call every grain. Give --cluster-cert for production.", Settings.SiloPort);
        if (Settings.DevIssuerExplicit)
            app.Logger.LogWarning("DEV ISSUER ENABLED (--dev-issuer true) on {Http}: anyone who reaches it can mint subject tokens for any subject and any claims. Never in production.", Settings.Http);
    }

    public Task WaitForShutdownAsync() => app.WaitForShutdownAsync();

    public Task StopAsync() => app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        // After the silo stopped: its last writes are in, then the database closes and the folder's lock goes.
        embedded?.Dispose();
    }

    /// <summary>Reads the configuration file; a file that exists but cannot be read is an error naming it.</summary>
    private static T ReadConfig<T>(string path, Func<string, T> read)
    {
        try
        {
            return read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--config: cannot read '{path}': {e.Message}", e);
        }
    }

    /// <summary>The configuration file: relative to the working directory, else to the installed server.</summary>
    /// <summary>The host's setting that has its configuration files watched and reloaded (default true).</summary>
    internal const string ReloadConfigOnChange = "hostBuilder:reloadConfigOnChange";

    private static string ResolveConfigPath(string path) =>
        File.Exists(path) || Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
}
