using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using TokenExchange.Exchange;
using TokenExchange.Silo;
using TokenExchange.Testing;

namespace TokenExchange.Grains.Tests;

/// <summary>Two in-process silos seeded with <see cref="TestDefinitions.Seed"/>, ready to exchange.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>Each silo's own service provider: index 0 is the primary, 1 the second silo.</summary>
    public IReadOnlyList<IServiceProvider> Silos { get; private set; } = [];

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder();
        builder.Options.InitialSilosCount = 2;
        builder.Options.ConfigureFileLogging = false;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Silos = [.. Cluster.Silos.Select(s => ((InProcessSiloHandle)s).SiloHost.Services)];
        foreach (var silo in Silos)
            await Poll.UntilAsync(() => silo.GetRequiredService<ClusterStartup>().IsReady, TimeSpan.FromSeconds(30), "silo ready");
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null) await Cluster.DisposeAsync();
    }

    public T Service<T>(int silo) where T : notnull => Silos[silo].GetRequiredService<T>();

    public Task<ExchangeOutcome> ExchangeAsync(int silo, ExchangeRequest request) =>
        Service<ExchangeFrontDoor>(silo).ExchangeAsync(request, CancellationToken.None).AsTask();

    /// <summary>Waits until every silo's definition cache satisfies <paramref name="condition"/>; returns how long that took.</summary>
    public Task<TimeSpan> UntilAllCachesAsync(Func<TokenExchange.Definitions.DefinitionSnapshot, bool> condition, string what, double seconds = 2) =>
        Poll.UntilAsync(() => Silos.All(s => condition(s.GetRequiredService<DefinitionCache>().Snapshot)), TimeSpan.FromSeconds(seconds), what);
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
