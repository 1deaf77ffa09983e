using TokenExchange.Grains.Users;

namespace TokenExchange.Grains.Sessions;

/// <summary>
/// How long idle activations of the grains that grow with callers' input stay in a silo's memory (Orleans
/// collects them after this much inactivity; their state stays in storage). Strings, as
/// <see cref="CollectionAgeLimitAttribute"/> takes them.
/// </summary>
public static class GrainLifetimes
{
    /// <summary>
    /// Subject sessions: one per subject that exchanged recently, and the only activation a warm subject needs
    /// (docs/architecture.md, section 5). Set through
    /// <see cref="Orleans.Configuration.GrainCollectionOptions.ClassSpecificCollectionAge"/> (not an attribute,
    /// which would win over the server's --session-idle-timeout).
    /// </summary>
    public static readonly TimeSpan SubjectSession = TimeSpan.FromMinutes(15);

    /// <summary>
    /// User grains (and the index grains silos of an earlier version still call, <see cref="UserIndexGrain"/>): asked when
    /// a session (re)activates, on link and admin changes, refreshes and introspection, but not on a subject's first
    /// exchange (<see cref="UserCreation"/> stores the user) nor its warm ones (its session holds the user it needs), so
    /// they leave memory long before the sessions do; never after the sessions.
    /// </summary>
    public static readonly TimeSpan UserDirectory = TimeSpan.FromMinutes(2);

    /// <summary>The collection age of each per-subject grain class when idle sessions live <paramref name="sessionAge"/>.</summary>
    public static IEnumerable<KeyValuePair<string, TimeSpan>> PerSubjectAges(TimeSpan sessionAge)
    {
        var directory = sessionAge < UserDirectory ? sessionAge : UserDirectory;
        yield return new(typeof(SubjectSessionGrain).FullName!, sessionAge);
        yield return new(typeof(UserGrain).FullName!, directory);
        yield return new(typeof(UserIndexGrain).FullName!, directory);
    }

    /// <summary>Token handles and opaque tokens: looked up by the hash of whatever token a caller presents.</summary>
    public const string LookedUpByCallersText = "00:02:00";

    public static readonly TimeSpan LookedUpByCallers = TimeSpan.Parse(LookedUpByCallersText, System.Globalization.CultureInfo.InvariantCulture);
}
