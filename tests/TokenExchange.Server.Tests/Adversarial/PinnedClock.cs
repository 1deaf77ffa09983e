namespace TokenExchange.Server.Tests.Adversarial;

/// <summary>
/// The server's clock: the system clock, except while a test pins "now" to an exact instant, so a lifetime
/// boundary can be tested to the second over the wire without racing the real clock. Timers and
/// timestamps stay the system's, so Orleans keeps running while the time is pinned.
/// </summary>
public sealed class PinnedClock : TimeProvider
{
    private long pinnedTicks;

    public override DateTimeOffset GetUtcNow()
    {
        var ticks = Interlocked.Read(ref pinnedTicks);
        return ticks == 0 ? System.GetUtcNow() : new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    /// <summary>Pins now at whole seconds (JWT times are whole seconds); dispose to unpin.</summary>
    public IDisposable Pin(out DateTimeOffset now)
    {
        now = DateTimeOffset.FromUnixTimeSeconds(System.GetUtcNow().ToUnixTimeSeconds());
        Interlocked.Exchange(ref pinnedTicks, now.UtcTicks);
        return new Unpin(this);
    }

    private sealed class Unpin(PinnedClock clock) : IDisposable
    {
        public void Dispose() => Interlocked.Exchange(ref clock.pinnedTicks, 0);
    }
}
