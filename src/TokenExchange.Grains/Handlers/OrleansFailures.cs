using Orleans.Runtime;
using TokenExchange.Exchange;

namespace TokenExchange.Grains.Handlers;

/// <summary>Maps a failure of the cluster itself (a grain call, storage) to the OAuth error a client sees.</summary>
public static class OrleansFailures
{
    public static OAuthError ToOAuthError(Exception e) => e switch
    {
        TimeoutException or SiloUnavailableException or OrleansMessageRejectionException or OrleansException
            => Errors.TemporarilyUnavailable("the cluster is temporarily unable to complete the exchange", e.GetType().Name),
        _ => Errors.ServerError(e.GetType().Name),
    };
}
