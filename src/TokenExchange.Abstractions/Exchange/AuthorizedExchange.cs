using TokenExchange.Definitions;

namespace TokenExchange.Exchange;

/// <summary>
/// A request that passed the front door: the app is authenticated, the handler chosen and enabled
/// for it, and the targets (scopes, audiences) decided. What remains is the handler's work.
/// </summary>
[GenerateSerializer, Immutable, Alias("tx.AuthorizedExchange")]
public sealed record AuthorizedExchange
{
    [Id(0)] public required AppDefinition App { get; init; }
    [Id(1)] public required HandlerAppEnablement Enablement { get; init; }
    [Id(7)] public required string HandlerName { get; init; }
    [Id(2)] public required string SubjectToken { get; init; }
    [Id(3)] public required string SubjectTokenType { get; init; }
    [Id(4)] public required string RequestedTokenType { get; init; }
    [Id(5)] public string[] Scopes { get; init; } = [];
    [Id(6)] public string[] Audiences { get; init; } = [];

    /// <summary>The actor token (delegation, RFC 8693 section 4.1), validated as strictly as the subject token.</summary>
    [Id(8)] public string? ActorToken { get; init; }
    [Id(9)] public string? ActorTokenType { get; init; }

    /// <summary>A refresh token is issued too (the app allows them, and offline_access or the refresh token type was asked for).</summary>
    [Id(10)] public bool IssueRefreshToken { get; init; }

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"App = {App.ClientId}, HandlerName = {HandlerName}, SubjectToken = {Redacted.Mark(SubjectToken)}, SubjectTokenType = {SubjectTokenType}, RequestedTokenType = {RequestedTokenType}, ");
        builder.Append($"Scopes = [{string.Join(' ', Scopes)}], Audiences = [{string.Join(' ', Audiences)}], ActorToken = {Redacted.Mark(ActorToken)}, ActorTokenType = {ActorTokenType}, IssueRefreshToken = {IssueRefreshToken}");
        return true;
    }
}
