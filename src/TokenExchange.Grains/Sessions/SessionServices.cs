using TokenExchange.Core.Handlers;
using TokenExchange.Diagnostics;
using TokenExchange.Grains.Users;

namespace TokenExchange.Grains.Sessions;

/// <summary>
/// The silo's services every <see cref="SubjectSessionGrain"/> uses, held once per silo: an activation keeps one
/// reference to them instead of one per service. A session activation is what each active subject costs in memory
/// (docs/architecture.md, "A warm subject is one activation"), so the references it repeats count a million times.
/// </summary>
public sealed class SessionServices(GrainUserDirectory directory, HandlerRuntime handlers, TokenExchangeMetrics metrics, TimeProvider time)
{
    public GrainUserDirectory Directory { get; } = directory;
    public HandlerRuntime Handlers { get; } = handlers;
    public TokenExchangeMetrics Metrics { get; } = metrics;
    public TimeProvider Time { get; } = time;
}
