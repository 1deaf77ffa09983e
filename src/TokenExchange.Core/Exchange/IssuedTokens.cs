namespace TokenExchange.Exchange;

/// <summary>What a successful exchange returns (RFC 8693 section 2.2.1).</summary>
public sealed record IssuedTokens
{
    /// <summary>The issued token, whatever its type (RFC 8693 names it access_token).</summary>
    public required string AccessToken { get; init; }
    public required string IssuedTokenType { get; init; }
    public required string TokenType { get; init; }
    public long ExpiresIn { get; init; }
    public string? Scope { get; init; }
    public string? RefreshToken { get; init; }
    public string? IdToken { get; init; }

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"AccessToken = {Redacted.Mark(AccessToken)}, IssuedTokenType = {IssuedTokenType}, TokenType = {TokenType}, ExpiresIn = {ExpiresIn}, Scope = {Scope}, RefreshToken = {Redacted.Mark(RefreshToken)}, IdToken = {Redacted.Mark(IdToken)}");
        return true;
    }
}
