using System.Diagnostics;

namespace TokenExchange.Testing;

/// <summary>
/// Bounded polling for what travels asynchronously (a definition cache that follows an admin change, an
/// audit row written in the background, a process that becomes ready): every test waits through here
/// instead of a loop of its own or a fixed sleep, and a timeout names what was awaited.
/// </summary>
public static class Poll
{
    /// <summary>How long to wait between two looks, unless a caller names a coarser step.</summary>
    public static readonly TimeSpan DefaultStep = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits until <paramref name="condition"/> holds; returns how long that took.</summary>
    public static Task<TimeSpan> UntilAsync(Func<bool> condition, TimeSpan timeout, string what, TimeSpan? step = null) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what, step);

    /// <summary>
    /// Waits until <paramref name="condition"/> holds; returns how long that took. A timeout adds what
    /// <paramref name="detail"/> says at that moment (e.g. the log of the process awaited).
    /// </summary>

    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? step = null, Func<string>? detail = null)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout) throw TimedOut(timeout, what, lastResult: null, detail?.Invoke());
            await Task.Delay(step ?? DefaultStep);
        }
        return watch.Elapsed;
    }

    /// <summary>Calls <paramref name="probe"/> until its result satisfies <paramref name="done"/>; returns that result.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what, TimeSpan? step = null, Func<string>? detail = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var result = await probe();
            if (done(result)) return result;
            if (watch.Elapsed > timeout) throw TimedOut(timeout, what, result?.ToString(), detail?.Invoke());
            await Task.Delay(step ?? DefaultStep);
        }
    }

    /// <summary>
    /// Calls <paramref name="probe"/> until its result satisfies <paramref name="done"/> or
    /// <paramref name="timeout"/> passes, and returns the last result either way: for a test that asserts
    /// on the result itself, so that its own assertion, not a timeout, explains the failure.
    /// </summary>
    public static async Task<T> LastAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, TimeSpan? step = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var result = await probe();
            if (done(result) || watch.Elapsed > timeout) return result;
            await Task.Delay(step ?? DefaultStep);
        }
    }

    private static TimeoutException TimedOut(TimeSpan timeout, string what, string? lastResult, string? detail) =>
        new($"timed out after {timeout.TotalSeconds}s waiting for {what}"
            + (lastResult is null ? "" : $"; last result: {Clip(lastResult)}")
            + (detail is null ? "" : $":\n{detail}"));

    private static string Clip(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
