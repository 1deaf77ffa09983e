using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace TokenExchange.Server.Hosting.Listeners;

/// <summary>The two front doors a node listens on.</summary>
public enum FrontDoor
{
    /// <summary>HTTP/1.1: the OAuth endpoints, discovery, JWKS, Setup, dashboard, dev issuer, metrics, health.</summary>
    Http,

    /// <summary>HTTP/2: gRPC services only (exchange, admin, gRPC health, reflection).</summary>
    Grpc,
}

/// <summary>
/// A connection feature naming the listener a connection arrived on, set by Kestrel connection middleware
/// (<see cref="TagAs"/>): it holds for ephemeral ports (0) and behind TLS alike, and, unlike the Host header,
/// cannot be chosen by the caller.
/// </summary>
public sealed record FrontDoorListenerFeature(FrontDoor Listener)
{
    private static readonly FrontDoorListenerFeature HttpDoor = new(FrontDoor.Http);
    private static readonly FrontDoorListenerFeature GrpcDoor = new(FrontDoor.Grpc);

    /// <summary>Tags every connection of <paramref name="listen"/> as arriving on <paramref name="door"/>.</summary>
    public static void TagAs(ListenOptions listen, FrontDoor door)
    {
        var feature = door == FrontDoor.Grpc ? GrpcDoor : HttpDoor;
        listen.Use(next => connection =>
        {
            connection.Features.Set(feature);
            return next(connection);
        });
    }
}
