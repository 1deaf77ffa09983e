using TokenExchange.Core.Handlers;
using TokenExchange.Definitions;

namespace TokenExchange.Clients;

/// <summary>Where the keys that verify client assertions come from: an app's own (inline or by URI), a federated issuer's.</summary>
public interface IClientAssertionKeys
{
    /// <summary>The keys of an app that signs its own assertions (<see cref="ClientAssertionPolicy.HasOwnKeys"/>).</summary>
    IKeySource ForApp(AppDefinition app);

    /// <summary>The keys of a federated credential's issuer (its JWKS URI, or its OpenID discovery).</summary>
    IKeySource ForIssuer(FederatedCredential credential);
}
