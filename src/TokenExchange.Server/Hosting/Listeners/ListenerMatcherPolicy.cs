using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Routing.Matching;

namespace TokenExchange.Server.Hosting.Listeners;

/// <summary>
/// Binds every route to its front door: gRPC methods (gRPC services, gRPC health, reflection) match only on
/// the gRPC listener, every other endpoint (Setup, dashboard, dev issuer, discovery, JWKS, metrics, health,
/// the OAuth endpoints) only on the HTTP listener. A request on the wrong listener matches nothing and gets
/// 404, as if the route did not exist there. Unknown endpoints default to HTTP, so a route added later
/// cannot appear on the gRPC port by accident.
/// </summary>
public sealed class ListenerMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => endpoints.Count > 0;

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        // Connections that did not come through a tagged listener (none in this server) are not restricted.
        if (httpContext.Features.Get<FrontDoorListenerFeature>() is not { } arrived) return Task.CompletedTask;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i) && DoorOf(candidates[i].Endpoint) != arrived.Listener) candidates.SetValidity(i, false);
        }
        return Task.CompletedTask;
    }

    public static FrontDoor DoorOf(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<GrpcMethodMetadata>() is not null ? FrontDoor.Grpc : FrontDoor.Http;
}
