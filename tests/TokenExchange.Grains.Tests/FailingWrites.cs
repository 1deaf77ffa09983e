using TokenExchange.Abstractions;

namespace TokenExchange.Grains.Tests;

/// <summary>
/// Makes every <c>Put</c> to a definition grain whose key starts with <see cref="Prefix"/> fail, as a storage
/// failure in the middle of an admin change would: the test cluster's way to prove that such a change is rolled back.
/// </summary>
public sealed class FailingWrites : IIncomingGrainCallFilter
{
    public const string Prefix = "fail-write-";

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.MethodName == nameof(IAppGrain.Put)
            && context.Grain is IAppGrain or IHandlerDefinitionGrain
            && context.TargetId.Key.ToString().StartsWith(Prefix, StringComparison.Ordinal))
            throw new InvalidOperationException("injected write failure");
        return context.Invoke();
    }
}
