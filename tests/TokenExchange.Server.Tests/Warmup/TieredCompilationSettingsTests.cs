using TokenExchange.Server.Tests.Kubernetes;

namespace TokenExchange.Server.Tests.Warmup;

/// <summary>
/// Warm start (issue 15): the image counts calls for the tiered JIT from a method's first call. By default the runtime
/// starts counting only after a 100 ms lull in new compilations, which a silo under its first load rarely has, so its
/// hot path stayed on its first tier for seconds (README, Warm start: steady after about 1.4–2.3 s instead of 2.6–3.9 s).
/// The runtime reads this setting from the environment only, so it is the image's, and the benchmark's silos take it
/// from the Dockerfile too.
/// </summary>
public sealed class TieredCompilationSettingsTests
{
    [Fact]
    public void The_image_counts_calls_without_the_startup_delay()
    {
        var lines = File.ReadAllLines(Path.Combine(RenderedManifests.RepositoryRoot, "Dockerfile"));
        var runtimeStage = lines.SkipWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:", StringComparison.Ordinal)).ToArray();

        Assert.Contains("ENV DOTNET_TC_CallCountingDelayMs=0", runtimeStage);
    }
}
