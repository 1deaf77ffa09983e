namespace TokenExchange.Grains.Sessions;

/// <summary>
/// How long idle activations of the grains that grow with callers' input stay in a silo's memory (Orleans
/// collects them after this much inactivity; their state stays in storage). Strings, as
/// <see cref="CollectionAgeLimitAttribute"/> takes them.
/// </summary>
public static class GrainLifetimes
{
    /// <summary>Subject sessions: one per subject that exchanged recently; their cached user is what makes repeats cheap.</summary>
    public const string SubjectSessionText = "00:15:00";

    /// <summary>Token handles and opaque tokens: looked up by the hash of whatever token a caller presents.</summary>
    public const string LookedUpByCallersText = "00:02:00";

    public static readonly TimeSpan SubjectSession = TimeSpan.Parse(SubjectSessionText, System.Globalization.CultureInfo.InvariantCulture);
    public static readonly TimeSpan LookedUpByCallers = TimeSpan.Parse(LookedUpByCallersText, System.Globalization.CultureInfo.InvariantCulture);
}
