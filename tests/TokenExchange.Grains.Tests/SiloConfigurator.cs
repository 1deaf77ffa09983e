using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using TokenExchange.Silo;
using TokenExchange.Tokens;

namespace TokenExchange.Grains.Tests;

/// <summary>Wires each test silo as the real host does: memory storage, the cluster issuer, the seeded definitions.</summary>
public sealed class SiloConfigurator : ISiloConfigurator
{
    public const string Issuer = "https://tx.test";

    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.AddMemoryGrainStorage(StorageNames.Definitions);
        siloBuilder.AddMemoryGrainStorage(StorageNames.Sessions);
        siloBuilder.Services.AddSingleton(new ClusterIssuer(Issuer));
        siloBuilder.Services.AddSingleton<TokenExchange.Silo.Events.ITokenEventSink, Silo.Events.CapturingSink>();
        siloBuilder.AddIncomingGrainCallFilter<FailingWrites>();
        siloBuilder.AddIncomingGrainCallFilter<OlderSiloGrains>();
        siloBuilder.AddIncomingGrainCallFilter<HangingSessions>();
        siloBuilder.AddIncomingGrainCallFilter<RecordedCalls>();
        siloBuilder.Services.AddTokenExchangeSilo(options =>
        {
            options.Seed = TestDefinitions.Seed;
            // Every silo of a cluster must decrypt the keys any of them stored.
            options.KeyEncryptionKey = TestDefinitions.KeyEncryptionKey;
        });
    }
}
