namespace Bench.Runner.Cases;

/// <summary>The peers over HTTP, with the same load generator, subjects and concurrency as the cluster.</summary>
public static class PeersCase
{
    public const string OpenIddict = "peer: OpenIddict 7.8, HTTP";
    public const string Minimal = "peer: minimal ASP.NET Core, HTTP";

    public static async Task<IReadOnlyList<CaseResult>> RunAsync(RunContext context, CancellationToken cancellationToken)
    {
        var results = new List<CaseResult>();
        foreach (var (name, dll, process) in new[]
        {
            (OpenIddict, context.Workspace.OpenIddictPeerDll, "peer-openiddict"),
            (Minimal, context.Workspace.MinimalPeerDll, "peer-minimal"),
        })
        {
            var options = context.Options;
            var result = new CaseResult(name, $"{options.Subjects:N0} subjects; saturation at concurrency {options.Concurrency}");
            results.Add(result);
            try
            {
                context.Progress($"{name}: starting");
                using var peer = await ServerProcess.StartPeerAsync(context.Workspace, process, dll, cancellationToken);
                var endpoint = new Endpoint("http", peer.Http);
                await context.Generator.RunAsync(endpoint, new Load { Concurrency = options.Concurrency, Count = options.Subjects, Subjects = options.Subjects }, $"{process}-first-exchange", null, cancellationToken);
                var idle = await MeasuredLoad.IdleCpuRateAsync([peer], cancellationToken);
                await context.RepeatAsync(result, async run =>
                {
                    context.Progress($"{name}, run {run}");
                    await context.Generator.RunAsync(endpoint, new Load { Concurrency = options.Concurrency, Duration = options.Warmup, Subjects = options.Subjects }, $"{process}-warmup", null, cancellationToken);
                    EmbeddedCase.Record(result, await context.Measured.RunAsync([peer], idle, endpoint,
                        new Load { Concurrency = options.Concurrency, Duration = options.Duration, Subjects = options.Subjects }, $"{process}-saturation", null, cancellationToken));
                }, cancellationToken);
            }
            catch (CaseFailedException e)
            {
                result.Failures.Add(e.Message);
            }
        }
        return results;
    }
}
