using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Core.Handlers;

/// <summary>Where a jwt handler gets the IdP's public keys from.</summary>
public interface IKeySource
{
    /// <summary>
    /// The keys to validate a token whose header names <paramref name="kid"/>. A source may refresh
    /// when the kid is unknown, within its own cooldown.
    /// </summary>
    /// <exception cref="KeysUnavailableException">No keys can be had (none cached and the IdP unreachable).</exception>
    ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken);
}

public sealed class KeysUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
