using System.Diagnostics;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Handlers;
using TokenExchange.Sessions;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// A handler definition made ready to run: its implementation (built-in or an operator's), and for a
/// jwt handler its IdP key cache, for an introspection handler its cached IdP answers. The exchange's rules
/// (<see cref="ExchangePipeline"/>) run it: validation of the subject and actor tokens, timed as one; user
/// mapping, run by the subject session when it has no user cached.
/// </summary>
public sealed class CompiledHandler(HandlerDefinition definition, IHandlerImplementation implementation, TokenExchangeMetrics metrics)
{
    private static ActivitySource Tracing => TokenExchangeTelemetry.ActivitySource;

    public HandlerDefinition Definition { get; } = definition;

    /// <summary>What validates tokens and maps users for this handler.</summary>
    public IHandlerImplementation Implementation { get; } = implementation;

    /// <summary>The IdP key source of a jwt handler, kept across recompiles while the trust settings stay the same.</summary>
    public IKeySource? Keys { get; init; }

    /// <summary>
    /// The verified tokens of a jwt handler (null when its <c>validationCache</c> is off), kept across recompiles while the
    /// trust settings stay the same: any change to them starts an empty cache.
    /// </summary>
    public VerifiedTokenCache? VerifiedTokens { get; init; }

    /// <summary>The cached IdP answers of an introspection handler, kept across recompiles while its trust settings stay the same.</summary>
    public IntrospectionCache? Introspection { get; init; }

    /// <summary>One exchange's validation, the subject token and the actor token together: one span, one timing.</summary>
    public ValidationTiming StartValidation() => new(Definition.Name, metrics, Tracing.StartActivity(TokenExchangeTelemetry.Spans.Validate), Stopwatch.GetTimestamp());

    /// <summary>The handler's user mapping; run by the subject session when it has no user cached.</summary>
    public async Task<(UserMappingResult? Mapping, OAuthError? Error)> MapUserAsync(SubjectUserRequest request, IHandlerUserDirectory users, CancellationToken cancellationToken)
    {
        using var span = Tracing.StartActivity(TokenExchangeTelemetry.Spans.MapUser);
        var result = await Implementation.MapUserAsync(request, users, cancellationToken).ConfigureAwait(false);
        if (result.Error is { } error) span.Fail(error.Code);
        return result;
    }
}
