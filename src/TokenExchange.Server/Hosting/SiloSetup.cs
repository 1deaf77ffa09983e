using System.Net;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using TokenExchange.Grains;
using TokenExchange.Server.Embedded;
using TokenExchange.Server.Tls;

namespace TokenExchange.Server.Hosting;

/// <summary>How the silo is clustered and where grain state lives: embedded (SQLite, or memory with --ephemeral) or PostgreSQL.</summary>
public static class SiloSetup
{
    private const string Invariant = "Npgsql";

    /// <param name="database">The embedded mode's database; null keeps grain state in memory (--ephemeral).</param>
    /// <param name="clusterCertificate">Mutual TLS between silos; null only where settings allow plain TCP (embedded, or the explicit insecure flag).</param>
    public static void Configure(ISiloBuilder silo, ServerSettings settings, EmbeddedDatabase? database, ClusterCertificate? clusterCertificate)
    {
        // Orleans needs concrete ports; 0 picks a free one (tests run many silos side by side).
        var siloPort = settings.SiloPort == 0 ? FreePorts.Pick() : settings.SiloPort;
        if (clusterCertificate is not null) silo.UseClusterTls(clusterCertificate);
        // With tracing on (--otlp-endpoint), grain calls carry the caller's trace context (traceparent in the request
        // context), so an exchange's trace reaches the subject session on whichever silo it lives. Off, nobody would
        // read it, and the filters alone cost every grain call Orleans' filter chain (about 0.5 KB, issue 15).
        if (settings.OtlpEndpoint is not null) silo.AddActivityPropagation();
        if (settings.SessionIdleTimeout is { } idle) ConfigureIdleSubjects(silo, idle);
        if (settings.Postgres is not { } connection)
        {
            silo.UseLocalhostClustering(siloPort, serviceId: settings.ServiceId, clusterId: "embedded");
            // The one silo of the embedded default listens on loopback only.
            silo.Configure<EndpointOptions>(options => ListenOn(options, IPAddress.Loopback, siloPort, IPAddress.Loopback));
            WithoutDirectoryCache(silo);
            if (database is not null) ConfigureEmbeddedDatabase(silo, database);
            else ConfigureMemoryStorage(silo);
            return;
        }

        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = settings.ClusterId;
            options.ServiceId = settings.ServiceId;
        });
        if (settings.Kubernetes)
        {
            // Pod name and IP become the silo's identity (advertised: the pod IP; the silo port listens on every
            // address of the pod); dead pods' membership entries are cleaned up.
            silo.Configure<EndpointOptions>(options => ListenOn(options, null, siloPort, IPAddress.Any));
            silo.UseKubernetesHosting();
        }
        else
        {
            var listen = IPAddress.IsLoopback(settings.AdvertisedAddress) ? settings.AdvertisedAddress : IPAddress.Any;
            silo.Configure<EndpointOptions>(options => ListenOn(options, settings.AdvertisedAddress, siloPort, listen));
        }
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connection;
        });
        foreach (var name in new[] { StorageNames.Definitions, StorageNames.Sessions })
        {
            silo.AddAdoNetGrainStorage(name, options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = connection;
            });
            // Grain state in Orleans' own serializer: the state types are [GenerateSerializer] records with
            // stable [Id]s, which keeps stored state readable across versions of this project.
            silo.Services.AddOptions<AdoNetGrainStorageOptions>(name)
                .Configure<Orleans.Serialization.Serializer>((options, serializer) => options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
        }
        // A storage failure inside a grain travels to the calling silo as an exception: let Orleans carry
        // Npgsql's exceptions (as it does System.* ones), so the caller sees a storage failure it can
        // report as temporarily_unavailable rather than a serialization error.
        silo.Services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(options => options.SupportedNamespacePrefixes.Add("Npgsql"));
        silo.Configure<ClusterMembershipOptions>(options =>
        {
            var timings = settings.Membership;
            options.ProbeTimeout = timings.ProbeTimeout;
            options.NumMissedProbesLimit = timings.MissedProbes;
            options.DeathVoteExpirationTimeout = timings.DeathVoteExpiry;
            options.IAmAliveTablePublishTimeout = timings.IAmAlivePeriod;
            options.TableRefreshTimeout = timings.TableRefresh;
        });
    }

    /// <summary>
    /// Both storage names in this process's memory (<see cref="EphemeralGrainStorage"/>), the state in Orleans'
    /// serializer as on disk: not Orleans' memory storage, whose states live in grains (a grain call per read and write).
    /// </summary>
    private static void ConfigureMemoryStorage(ISiloBuilder silo)
    {
        foreach (var name in new[] { StorageNames.Definitions, StorageNames.Sessions })
        {
            silo.Services.AddGrainStorage(name, (services, storageName) => new EphemeralGrainStorage(storageName,
                services.GetRequiredService<Orleans.Serialization.Serializer>(),
                services.GetRequiredService<Orleans.Serialization.Serializers.IActivatorProvider>()));
        }
    }

    /// <summary>Both storage names on the one SQLite database, the state in Orleans' serializer as with PostgreSQL.</summary>
    private static void ConfigureEmbeddedDatabase(ISiloBuilder silo, EmbeddedDatabase database)
    {
        foreach (var name in new[] { StorageNames.Definitions, StorageNames.Sessions })
        {
            silo.Services.AddGrainStorage(name, (services, storageName) => new SqliteGrainStorage(storageName, database,
                services.GetRequiredService<Orleans.Serialization.Serializer>(),
                services.GetRequiredService<Orleans.Serialization.Serializers.IActivatorProvider>()));
        }
        // A failed write (disk full) reaches the calling grain as the storage failure it is: temporarily_unavailable.
        silo.Services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(options => options.SupportedNamespacePrefixes.Add("Microsoft.Data.Sqlite"));
    }

    /// <summary>
    /// The silo port only. No Orleans client gateway: the front doors run inside the silo and nothing outside
    /// it connects as an Orleans client, so a gateway would only be a door into every grain (Orleans opens
    /// none when the gateway port is 0).
    /// </summary>
    private static void ListenOn(EndpointOptions options, IPAddress? advertised, int siloPort, IPAddress listen)
    {
        if (advertised is not null) options.AdvertisedIPAddress = advertised;
        options.SiloPort = siloPort;
        options.SiloListeningEndpoint = new IPEndPoint(listen, siloPort);
        options.GatewayPort = 0;
        options.GatewayListeningEndpoint = null;
    }

    /// <summary>
    /// The one silo of the embedded default owns the whole grain directory, so Orleans' directory cache (an LRU of
    /// grain addresses kept to spare lookups at other silos) only duplicates it: Orleans 10 adds an entry for every
    /// grain this silo registers, and a deactivation through its batched path leaves that entry until it has gone
    /// unused for <see cref="GrainDirectoryOptions.MaximumCacheTTL"/> (4 min). That was three entries, about 700 B,
    /// per new subject (session, user, index grain; docs/architecture.md, "A warm subject is one activation"). With
    /// <see cref="GrainDirectoryOptions.CachingStrategyType.None"/> every lookup reads the local partition, as it does
    /// on a cache miss. A cluster keeps the cache: there it spares a call to another silo per message.
    /// </summary>
    private static void WithoutDirectoryCache(ISiloBuilder silo) =>
        silo.Configure<GrainDirectoryOptions>(options => options.CachingStrategy = GrainDirectoryOptions.CachingStrategyType.None);

    /// <summary>
    /// A million subjects seen once must not stay in memory for Orleans' default collection age (hours): idle
    /// subjects' sessions are collected after <paramref name="idle"/>, their user grains after at most that
    /// (<see cref="Grains.Sessions.GrainLifetimes.PerSubjectAges"/>). Orleans checks ages once per collection
    /// quantum, so a short timeout needs a shorter quantum.
    /// </summary>
    private static void ConfigureIdleSubjects(ISiloBuilder silo, TimeSpan idle)
    {
        silo.Configure<GrainCollectionOptions>(options =>
        {
            foreach (var (grainClass, age) in Grains.Sessions.GrainLifetimes.PerSubjectAges(idle)) options.ClassSpecificCollectionAge[grainClass] = age;
            var quantum = idle / 2;
            if (quantum < options.CollectionQuantum) options.CollectionQuantum = quantum;
        });
    }
}
