using TokenExchange.Definitions;
using TokenExchange.Exchange;

namespace TokenExchange.Sessions;

/// <summary>A refresh token issued or rotated, with the user and grant it stands for; or why not.</summary>
public sealed record RefreshResult(
    string? Token,
    UserRecord? User,
    RefreshGrant? Grant,
    OAuthError? Error,
    DateTimeOffset ExpiresAt = default)
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Token = {Redacted.Mark(Token)}, User = {User?.Id}, Grant = {Grant?.ClientId}, Error = {Error?.Code}, ExpiresAt = {ExpiresAt:O}");
        return true;
    }
}
