using System.Collections.Concurrent;
using TokenExchange.Abstractions;

namespace TokenExchange.Grains.Tests;

/// <summary>
/// Records the calls the user directory's and the sessions' grains receive, as (interface, method, key), while a test
/// listens: the test cluster's way to count the grain calls one exchange makes.
/// </summary>
public sealed class RecordedCalls : IIncomingGrainCallFilter
{
    private static ConcurrentQueue<(string Interface, string Method, string Key)>? listening;

    /// <summary>Records until the returned scope is disposed; tests of one cluster run one at a time.</summary>
    public static Listening Listen() => new(listening = new());

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (listening is { } calls && context.Grain is IUserGrain or IUserIndexGrain or IUserCatalogGrain or ISubjectSessionGrain)
            calls.Enqueue((context.InterfaceName, context.MethodName, context.TargetId.Key.ToString()!));
        return context.Invoke();
    }

    public sealed class Listening(ConcurrentQueue<(string Interface, string Method, string Key)> calls) : IDisposable
    {
        public IReadOnlyList<(string Interface, string Method, string Key)> Calls => [.. calls];

        public void Dispose() => listening = null;
    }
}
