namespace TokenExchange.Server.Tests.EndToEnd;

/// <summary>
/// The server's clock moved forward by what a test asks, so lifetimes of minutes can end without waiting
/// for them. Only "now" moves: timers and timestamps stay the system's, so Orleans keeps running.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);
}
