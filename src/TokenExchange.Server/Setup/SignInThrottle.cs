using System.Threading.RateLimiting;

namespace TokenExchange.Server.Setup;

/// <summary>
/// Failed Setup sign-ins per client address: past <see cref="FailuresPerMinute"/> in a minute, every sign-in from
/// that address is refused until the minute is over, right credential or not (so guessing learns nothing).
/// Only failures count: an operator signing in often is never throttled.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    public const int FailuresPerMinute = 5;

    private readonly PartitionedRateLimiter<string> failures = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = FailuresPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public bool IsBlocked(string address) => failures.GetStatistics(address) is { CurrentAvailablePermits: 0 };

    public void Failed(string address)
    {
        using var lease = failures.AttemptAcquire(address);
    }

    public void Dispose() => failures.Dispose();
}
