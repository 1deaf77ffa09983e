using TokenExchange.Abstractions;
using TokenExchange.Definitions;

namespace TokenExchange.Grains.Tests;

/// <summary>
/// Refuses <see cref="IUserGrain.CreateForSubject"/> for identities whose subject starts with <see cref="Prefix"/>, as a
/// user grain on a silo of the version before that method would: the test cluster's rolling upgrade.
/// </summary>
public sealed class OlderUserGrains : IIncomingGrainCallFilter
{
    public const string Prefix = "older-silo-";

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Grain is IUserGrain && context.MethodName == nameof(IUserGrain.CreateForSubject)
            && context.Request.GetArgument(1) is ExternalIdentity { Subject: var subject } && subject.StartsWith(Prefix, StringComparison.Ordinal))
            throw new NotSupportedException("this silo's IUserGrain has no CreateForSubject");
        return context.Invoke();
    }
}
