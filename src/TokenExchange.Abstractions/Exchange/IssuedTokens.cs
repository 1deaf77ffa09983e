namespace TokenExchange.Exchange;

/// <summary>What a successful exchange returns (RFC 8693 section 2.2.1).</summary>
[GenerateSerializer, Immutable, Alias("tx.IssuedTokens")]
public sealed record IssuedTokens
{
    /// <summary>The issued token, whatever its type (RFC 8693 names it access_token).</summary>
    [Id(0)] public required string AccessToken { get; init; }
    [Id(1)] public required string IssuedTokenType { get; init; }
    [Id(2)] public required string TokenType { get; init; }
    [Id(3)] public long ExpiresIn { get; init; }
    [Id(4)] public string? Scope { get; init; }
    [Id(5)] public string? RefreshToken { get; init; }
    [Id(6)] public string? IdToken { get; init; }

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"AccessToken = {Redacted.Mark(AccessToken)}, IssuedTokenType = {IssuedTokenType}, TokenType = {TokenType}, ExpiresIn = {ExpiresIn}, Scope = {Scope}, RefreshToken = {Redacted.Mark(RefreshToken)}, IdToken = {Redacted.Mark(IdToken)}");
        return true;
    }
}
