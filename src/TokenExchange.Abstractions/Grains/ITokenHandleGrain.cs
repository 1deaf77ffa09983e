namespace TokenExchange.Abstractions;

/// <summary>
/// One issued refresh token, keyed by the SHA-256 of the token (<c>rt/HEX</c>): the token itself is never
/// stored. It leads to the subject session that holds the token's family.
/// </summary>
[Alias("tx.ITokenHandleGrain")]
public interface ITokenHandleGrain : IGrainWithStringKey
{
    [Alias("Get")] Task<TokenHandle?> Get();
    [Alias("Set")] Task Set(TokenHandle handle);
}

[GenerateSerializer, Immutable, Alias("tx.TokenHandle")]
public sealed record TokenHandle(
    [property: Id(0)] string SessionKey,
    [property: Id(1)] string FamilyId,
    [property: Id(2)] string ClientId,
    [property: Id(3)] string HandlerName);

