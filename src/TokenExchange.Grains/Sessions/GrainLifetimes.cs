namespace TokenExchange.Grains.Sessions;

/// <summary>
/// How long idle activations of the grains that grow with callers' input stay in a silo's memory (Orleans
/// collects them after this much inactivity; their state stays in storage). Strings, as
/// <see cref="CollectionAgeLimitAttribute"/> takes them.
/// </summary>
public static class GrainLifetimes
{
    /// <summary>
    /// Subject sessions, and the user and user index grains a subject's first exchange activates: one each per
    /// subject that exchanged recently. They go idle together, so they share one age, set through
    /// <see cref="Orleans.Configuration.GrainCollectionOptions.ClassSpecificCollectionAge"/> (not an attribute,
    /// which would win over the server's --session-idle-timeout).
    /// </summary>
    public static readonly TimeSpan SubjectSession = TimeSpan.FromMinutes(15);

    public static readonly Type[] PerSubjectGrainClasses = [typeof(SubjectSessionGrain), typeof(Users.UserGrain), typeof(Users.UserIndexGrain)];

    /// <summary>Token handles and opaque tokens: looked up by the hash of whatever token a caller presents.</summary>
    public const string LookedUpByCallersText = "00:02:00";

    public static readonly TimeSpan LookedUpByCallers = TimeSpan.Parse(LookedUpByCallersText, System.Globalization.CultureInfo.InvariantCulture);
}
