using TokenExchange.Definitions;
using TokenExchange.Exchange;

namespace TokenExchange.Sessions;

public sealed record UserResolution(
    UserRecord? User,
    OAuthError? Error,
    bool Created = false)
{
    /// <summary>The refresh token issued with the user, when one was asked for.</summary>
    public string? RefreshToken { get; init; }
    public DateTimeOffset RefreshExpiresAt { get; init; }

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"User = {User?.Id}, Error = {Error?.Code}, Created = {Created}, RefreshToken = {Redacted.Mark(RefreshToken)}, RefreshExpiresAt = {RefreshExpiresAt:O}");
        return true;
    }
}
