namespace TokenExchange.Grains;

/// <summary>The cluster's signing keys; every silo loads them and signs with the current one.</summary>
[Alias("tx.ISigningKeyGrain")]
public interface ISigningKeyGrain : IGrainWithStringKey
{
    public const string Key = "signing-keys";

    /// <summary>The built-in dev issuer's key (a separate grain: never a key the cluster signs with).</summary>
    public const string DevIssuerKey = "dev-issuer";

    [Alias("GetKeys")] Task<SigningKeySet> GetKeys();
}

/// <summary>Private keys as JWK JSON documents; the first one signs.</summary>
[GenerateSerializer, Immutable, Alias("tx.SigningKeySet")]
public sealed record SigningKeySet([property: Id(0)] string[] PrivateJwks);
