namespace Bench.Runner.Cases;

/// <summary>What every case needs: the options, the files, and the load generator.</summary>
public sealed record RunContext(RunnerOptions Options, Workspace Workspace, LoadGenerator Generator, MeasuredLoad Measured)
{
    public void Progress(string message) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    /// <summary>Runs one repetition; a failure is recorded on the case and the next repetition still runs.</summary>
    public async Task RepeatAsync(CaseResult result, Func<int, Task> run, CancellationToken cancellationToken)
    {
        for (var i = 1; i <= Options.Runs; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await run(i);
            }
            catch (CaseFailedException e)
            {
                result.Failures.Add($"run {i}: {e.Message}");
                Progress($"  {result.Name}, run {i} failed: {e.Message}");
            }
        }
    }
}
