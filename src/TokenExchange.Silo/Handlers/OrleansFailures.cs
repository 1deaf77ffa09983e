using TokenExchange.Exchange;

namespace TokenExchange.Silo.Handlers;

/// <summary>Maps a failure of the cluster itself (a grain call, storage) to the OAuth error a client sees.</summary>
public static class OrleansFailures
{
    /// <summary>
    /// A silo that is gone, a call that timed out, or storage that does not answer (anywhere in the
    /// exception's chain) is temporary: the client may retry. Anything else is a server error.
    /// </summary>
    public static OAuthError ToOAuthError(Exception e) => Chain(e).FirstOrDefault(IsTemporary) is { } cause
        ? Errors.TemporarilyUnavailable("the cluster is temporarily unable to complete the exchange", cause.GetType().Name)
        : Errors.ServerError(e.GetType().Name);

    /// <summary>
    /// The call failed because the silo that hosted (or was to host) the grain died or is leaving: the silo
    /// is known dead, the message was rejected (a silo shutting down rejects what it can no longer run),
    /// the connection to it failed, or the write lost to a second activation of the grain (for a moment
    /// after a silo dies there may be two). Once membership has moved the grain, the same call succeeds
    /// on a new activation, so it is worth repeating where repeating is safe. A rejection because the grain's
    /// storage failed (PostgreSQL down) is not: repeating it would only add load until the deadline.
    /// The grain directory refusing to look a grain up while its view of the membership is changing
    /// (<see cref="IsDirectoryInTransition"/>) is the same moment seen from the directory.
    /// </summary>
    public static bool IsSiloGone(Exception e) => Chain(e).Any(IsSiloGoneCause) && !Chain(e).Any(IsStorageFailure);

    /// <summary>One exception of a chain that says the grain's silo died or is leaving (see <see cref="IsSiloGone"/>).</summary>
    private static bool IsSiloGoneCause(Exception e) =>
        e is SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException
            or Orleans.Networking.Shared.SocketConnectionException or System.Net.Sockets.SocketException
            or Orleans.Storage.InconsistentStateException
        || IsDirectoryInTransition(e);

    /// <summary>
    /// What Orleans' grain directory (LocalGrainDirectory) says when a silo has just left or joined and it cannot
    /// place a lookup yet: the partition's owner it would ask is no longer a valid silo ("Retry later"), or the
    /// lookup was forwarded between silos with different views until the hop limit. Orleans reports both as a
    /// plain <see cref="OrleansException"/>, which reaches the caller as the rejection of its message; once the
    /// directory has caught up with the membership, the same call goes through. Only the text tells them from
    /// other OrleansExceptions; a test checks that the Orleans runtime in use still carries it.
    /// </summary>
    public static bool IsDirectoryInTransition(Exception e) =>
        e.GetType() == typeof(OrleansException) && DirectoryInTransitionTexts.Any(text => e.Message.Contains(text, StringComparison.Ordinal));

    /// <summary>Literal parts of LocalGrainDirectory's two messages (Orleans 10, assembly Orleans.Runtime).</summary>
    public static readonly IReadOnlyList<string> DirectoryInTransitionTexts = ["is not stable to perform the lookup", "because hop limit is reached"];

    // Orleans reports a grain that could not activate because its storage failed as a rejection whose text
    // names the storage provider (the storage exception itself is not always carried along).
    private static bool IsStorageFailure(Exception e) =>
        e is System.Data.Common.DbException || e.Message.Contains("Error from storage provider", StringComparison.Ordinal);

    /// <summary>A call that got no answer in Orleans' response timeout.</summary>
    public static bool IsTimeout(Exception e) => Chain(e).Any(c => c is TimeoutException);

    /// <summary>A gone silo, a call that timed out, or storage that did not answer.</summary>
    private static bool IsTemporary(Exception e) => IsSiloGoneCause(e) || e is TimeoutException or System.Data.Common.DbException;

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain)) yield return inner;
            }
        }
    }
}
