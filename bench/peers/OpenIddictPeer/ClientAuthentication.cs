using Bench.Shared;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Bench.Peers.OpenIddict;

/// <summary>Degraded mode has no application store: the one app is authenticated here (client_secret_post or basic).</summary>
public sealed class ClientAuthentication(PeerArguments arguments, ClientSecret secret) : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseSingletonHandler<ClientAuthentication>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        if (!string.Equals(context.ClientId, arguments.ClientId, StringComparison.Ordinal) || !secret.Matches(context.ClientSecret))
            context.Reject(OpenIddictConstants.Errors.InvalidClient, "client authentication failed");
        return ValueTask.CompletedTask;
    }
}
