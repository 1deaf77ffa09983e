using System.Net;
using System.Net.Sockets;
using Orleans.Configuration;
using Orleans.Storage;
using TokenExchange.Grains;

namespace TokenExchange.Server.Hosting;

/// <summary>How the silo is clustered and where grain state lives: embedded (memory) or PostgreSQL.</summary>
public static class SiloSetup
{
    private const string Invariant = "Npgsql";

    public static void Configure(ISiloBuilder silo, ServerSettings settings)
    {
        var siloPort = FreePortIfZero(settings.SiloPort);
        var gatewayPort = FreePortIfZero(settings.GatewayPort);
        if (settings.Postgres is not { } connection)
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: settings.ServiceId, clusterId: "embedded");
            silo.AddMemoryGrainStorage(StorageNames.Definitions);
            silo.AddMemoryGrainStorage(StorageNames.Sessions);
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

    /// <summary>Orleans needs concrete silo ports; 0 picks a free one (tests run many silos side by side).</summary>
    private static int FreePortIfZero(int port)
    {
        if (port != 0) return port;
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
