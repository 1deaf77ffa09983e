using System.Net;
using Orleans.Configuration;
using Orleans.Storage;
using Orleans.Runtime.Hosting;
using TokenExchange.Grains;
using TokenExchange.Server.Embedded;

namespace TokenExchange.Server.Hosting;

/// <summary>How the silo is clustered and where grain state lives: embedded (SQLite, or memory with --ephemeral) or PostgreSQL.</summary>
public static class SiloSetup
{
    private const string Invariant = "Npgsql";

    /// <param name="database">The embedded mode's database; null keeps grain state in memory (--ephemeral).</param>
    public static void Configure(ISiloBuilder silo, ServerSettings settings, EmbeddedDatabase? database)
    {
        // Orleans needs concrete ports; 0 picks a free one (tests run many silos side by side).
        var siloPort = settings.SiloPort == 0 ? FreePorts.Pick() : settings.SiloPort;
        var gatewayPort = settings.GatewayPort == 0 ? FreePorts.Pick() : settings.GatewayPort;
        // Grain calls carry the caller's trace context (traceparent in the request context), so an exchange's
        // trace reaches the subject session on whichever silo it lives. Nothing is created while nobody listens.
        silo.AddActivityPropagation();
        if (settings.SessionIdleTimeout is { } idle) ConfigureIdleSubjects(silo, idle);
        if (settings.Postgres is not { } connection)
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: settings.ServiceId, clusterId: "embedded");
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
            // Pod name and IP become the silo's identity; dead pods' membership entries are cleaned up.
            silo.Configure<EndpointOptions>(options =>
            {
                options.SiloPort = siloPort;
                options.GatewayPort = gatewayPort;
            });
            silo.UseKubernetesHosting();
        }
        else
        {
            silo.ConfigureEndpoints(settings.AdvertisedAddress, siloPort, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(settings.AdvertisedAddress));
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

    private static void ConfigureMemoryStorage(ISiloBuilder silo)
    {
        foreach (var name in new[] { StorageNames.Definitions, StorageNames.Sessions })
        {
            silo.AddMemoryGrainStorage(name);
            // Orleans' binary serializer rather than the memory provider's default JSON: a new subject writes
            // several grain states, and JSON serialization was the largest single cost of a first exchange.
            silo.Services.AddOptions<MemoryGrainStorageOptions>(name)
                .Configure<Orleans.Serialization.Serializer>((options, serializer) => options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
        }
    }

    /// <summary>Both storage names on the one SQLite database, the state in Orleans' serializer as with PostgreSQL.</summary>
    private static void ConfigureEmbeddedDatabase(ISiloBuilder silo, EmbeddedDatabase database)
    {
        foreach (var name in new[] { StorageNames.Definitions, StorageNames.Sessions })
        {
            silo.Services.AddGrainStorage(name, (services, storageName) => new SqliteGrainStorage(storageName, database,
                new OrleansGrainStorageSerializer(services.GetRequiredService<Orleans.Serialization.Serializer>()),
                services.GetRequiredService<Orleans.Serialization.Serializers.IActivatorProvider>()));
        }
        // A failed write (disk full) reaches the calling grain as the storage failure it is: temporarily_unavailable.
        silo.Services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(options => options.SupportedNamespacePrefixes.Add("Microsoft.Data.Sqlite"));
    }

    /// <summary>
    /// A million subjects seen once must not stay in memory for Orleans' default collection age (hours): idle
    /// subjects' grains are collected after <paramref name="idle"/>. Orleans checks ages once per collection
    /// quantum, so a short timeout needs a shorter quantum.
    /// </summary>
    private static void ConfigureIdleSubjects(ISiloBuilder silo, TimeSpan idle)
    {
        silo.Configure<GrainCollectionOptions>(options =>
        {
            foreach (var grainClass in Grains.Sessions.GrainLifetimes.PerSubjectGrainClasses) options.ClassSpecificCollectionAge[grainClass.FullName!] = idle;
            var quantum = idle / 2;
            if (quantum < options.CollectionQuantum) options.CollectionQuantum = quantum;
        });
    }
}
