using System.Diagnostics;
using Xunit.Sdk;

namespace TokenExchange.Grains.Tests;

/// <summary>Bounded polling for changes that travel asynchronously (cache refresh, one-way notifications).</summary>
public static class Poll
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(20);

    public static async Task<TimeSpan> UntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout) throw new XunitException($"timed out after {timeout.TotalSeconds}s waiting for {what}");
            await Task.Delay(Step);
        }
        return watch.Elapsed;
    }

    /// <summary>Calls <paramref name="probe"/> until its result satisfies <paramref name="done"/>; returns that result.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var result = await probe();
            if (done(result)) return result;
            if (watch.Elapsed > timeout) throw new XunitException($"timed out after {timeout.TotalSeconds}s waiting for {what}; last result: {Clip(result?.ToString())}");
            await Task.Delay(Step);
        }
    }

    private static string? Clip(string? text) => text is { Length: > 300 } ? text[..300] + "…" : text;
}
