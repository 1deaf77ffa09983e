using System.Diagnostics;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;

namespace TokenExchange.Handlers;

/// <summary>
/// The <c>tokenexchange.validate</c> span and the <c>tokenexchange.validation.duration</c> timing of one exchange
/// (README "Metrics and traces"). A struct: timing an exchange allocates nothing beyond the span.
/// </summary>
public readonly struct ValidationTiming(string handler, TokenExchangeMetrics metrics, Activity? span, long startedAt) : IDisposable
{
    /// <summary>Records the timing and outcome; <paramref name="error"/> null when the tokens were valid.</summary>
    public void Complete(OAuthError? error)
    {
        metrics.Validation(handler, error is null, Stopwatch.GetElapsedTime(startedAt));
        if (error is not null) span.Fail(error.Code);
    }

    public void Dispose() => span?.Dispose();
}
