using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace TokenExchange.Server.Tests.Cluster;

/// <summary>An Orleans client that reaches the cluster through one silo's gateway only.</summary>
public sealed class GatewayClient : IAsyncDisposable
{
    private readonly IHost host;

    private GatewayClient(IHost host) => this.host = host;

    public IClusterClient Client => host.Services.GetRequiredService<IClusterClient>();

    public static async Task<GatewayClient> ConnectAsync(SiloProcess silo)
    {
        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .UseOrleansClient(client => client
                .UseStaticClustering(new IPEndPoint(IPAddress.Loopback, silo.GatewayPort))
                .Configure<ClusterOptions>(options => { options.ClusterId = "test"; options.ServiceId = "test"; }))
            .Build();
        await host.StartAsync();
        return new GatewayClient(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
