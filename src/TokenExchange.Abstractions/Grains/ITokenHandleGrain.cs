namespace TokenExchange.Grains;

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

/// <summary>
/// What a refresh token carries forward: the app, handler, scopes and targets it was issued with, and for a
/// delegated exchange the <c>act</c> chain and the expiry no token of the family may outlive.
/// </summary>
[GenerateSerializer, Immutable, Alias("tx.RefreshGrant")]
public sealed record RefreshGrant
{
    [Id(0)] public required string ClientId { get; init; }
    [Id(1)] public required string HandlerName { get; init; }
    [Id(2)] public string[] Scopes { get; init; } = [];
    [Id(3)] public string[] Audiences { get; init; } = [];

    /// <summary>The RFC 8693 <c>act</c> claim (JSON object text) of the exchange; every refreshed access token carries it again.</summary>
    [Id(4)] public string? Act { get; init; }

    /// <summary>
    /// For a delegated exchange: the earlier of the subject token's and the actor token's expiry (unless the
    /// app's policy let tokens outlive the subject token). No refresh or access token of the family lives beyond it.
    /// </summary>
    [Id(5)] public DateTimeOffset? NotAfter { get; init; }
}

/// <summary>A refresh token issued or rotated, with the user and grant it stands for; or why not.</summary>
[GenerateSerializer, Immutable, Alias("tx.RefreshResult")]
public sealed record RefreshResult(
    [property: Id(0)] string? Token,
    [property: Id(1)] Definitions.UserRecord? User,
    [property: Id(2)] RefreshGrant? Grant,
    [property: Id(3)] Exchange.OAuthError? Error,
    [property: Id(4)] DateTimeOffset ExpiresAt = default)
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Token = {Redacted.Mark(Token)}, User = {User?.Id}, Grant = {Grant?.ClientId}, Error = {Error?.Code}, ExpiresAt = {ExpiresAt:O}");
        return true;
    }
}
