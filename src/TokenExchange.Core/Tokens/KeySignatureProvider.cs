using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Tokens;

/// <summary>
/// Hands IdentityModel the one signature provider of a cluster signing key, made once. The default factory finds
/// its cached provider under a string it formats on every signature (the key's type and id, the algorithm, the
/// provider's type); a cluster key signs every exchange's tokens, so that was a string per exchange. Only
/// signing with this key and algorithm comes here; anything else falls back to IdentityModel's default path.
/// </summary>
internal sealed class KeySignatureProvider(SecurityKey key, string algorithm) : ICryptoProvider
{
    private readonly AsymmetricSignatureProvider signer = new(key, algorithm, willCreateSignatures: true);

    /// <summary>The key's one signature provider, which <see cref="CompactJws"/> also signs through.</summary>
    public SignatureProvider Signer => signer;

    /// <summary>
    /// Asked with (key, willCreateSignatures) before creating a provider, and with no arguments before releasing one.
    /// </summary>
    public bool IsSupportedAlgorithm(string algorithm, params object[] args) =>
        algorithm == signer.Algorithm && (args.Length == 0 || (args is [var asked, true] && ReferenceEquals(asked, key)));

    public object Create(string algorithm, params object[] args) => signer;

    /// <summary>The provider lives as long as its key: nothing to release per signature.</summary>
    public void Release(object cryptoInstance)
    {
    }

    /// <summary>Signing credentials for the key that sign through its one provider.</summary>
    public SigningCredentials Credentials() =>
        new(key, algorithm) { CryptoProviderFactory = new CryptoProviderFactory { CustomCryptoProvider = this } };
}
