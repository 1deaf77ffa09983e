namespace TokenExchange.Tokens;

/// <summary>Where a silo reads the cluster's signing keys from; held in memory, never fetched per request.</summary>
public interface ISigningKeySource
{
    SigningKeyRing Ring { get; }
}
