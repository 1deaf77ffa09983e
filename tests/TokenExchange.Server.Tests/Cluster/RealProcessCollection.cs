namespace TokenExchange.Server.Tests.Cluster;

/// <summary>
/// The tests that run clusters of real silo processes run one after another: on two cores, several such
/// clusters at once starve each other's membership probes and measure the machine, not the cluster.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RealProcessCollection
{
    public const string Name = "real silo processes";
}
