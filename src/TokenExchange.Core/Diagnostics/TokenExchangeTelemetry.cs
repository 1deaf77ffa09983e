using System.Diagnostics;

namespace TokenExchange.Diagnostics;

/// <summary>
/// The names under which the cluster reports: one Meter and one ActivitySource, both "TokenExchange".
/// Plain System.Diagnostics: the host decides whether anyone listens (OpenTelemetry in the server), and
/// when nobody does, <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null and
/// instruments are disabled, so instrumented code costs next to nothing.
/// </summary>
public static class TokenExchangeTelemetry
{
    public const string Name = "TokenExchange";

    /// <summary>Shared like a logger category: an ActivitySource holds no state of its own.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>The span names of one exchange, outermost first.</summary>
    public static class Spans
    {
        public const string Exchange = "tokenexchange.exchange";
        public const string Refresh = "tokenexchange.refresh";
        public const string Validate = "tokenexchange.validate";
        public const string Session = "tokenexchange.session";
        public const string MapUser = "tokenexchange.map_user";
        public const string Mint = "tokenexchange.mint";
    }

    /// <summary>Marks a span failed with the OAuth error code (never a description or a token).</summary>
    public static void Fail(this Activity? activity, string errorCode)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, errorCode);
        activity.SetTag("tokenexchange.error", errorCode);
    }
}
