using Orleans.Runtime;
using TokenExchange.Exchange;

namespace TokenExchange.Grains.Handlers;

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

    private static bool IsTemporary(Exception e) =>
        e is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException
            or System.Data.Common.DbException or Orleans.Storage.InconsistentStateException
            or System.Net.Sockets.SocketException;

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
