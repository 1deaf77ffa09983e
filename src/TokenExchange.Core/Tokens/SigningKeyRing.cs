namespace TokenExchange.Tokens;

/// <summary>The cluster's keys as one silo holds them: the current key signs, all are published.</summary>
public sealed class SigningKeyRing
{
    public SigningKeyRing(IReadOnlyList<SigningKey> keys)
    {
        if (keys.Count == 0) throw new ArgumentException("a key ring needs at least one key", nameof(keys));
        Keys = keys;
        Jwks = JwksDocument.Write(keys.Select(k => k.PublicJwk));
    }

    public SigningKey Current => Keys[0];
    public IReadOnlyList<SigningKey> Keys { get; }

    /// <summary>The JWKS document, written once.</summary>
    public string Jwks { get; }
}
