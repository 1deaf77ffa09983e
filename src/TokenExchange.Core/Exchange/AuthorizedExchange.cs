using TokenExchange.Definitions;

namespace TokenExchange.Exchange;

/// <summary>
/// A request that passed the front door: the app is authenticated, the handler chosen and enabled
/// for it, and the targets (scopes, audiences) decided. What remains is the handler's work.
/// </summary>
public sealed record AuthorizedExchange
{
    public required AppDefinition App { get; init; }
    public required HandlerAppEnablement Enablement { get; init; }
    public required string HandlerName { get; init; }
    public required string SubjectToken { get; init; }
    public required string SubjectTokenType { get; init; }
    public required string RequestedTokenType { get; init; }
    public string[] Scopes { get; init; } = [];
    public string[] Audiences { get; init; } = [];

    /// <summary>The actor token (delegation, RFC 8693 section 4.1), validated as strictly as the subject token.</summary>
    public string? ActorToken { get; init; }
    public string? ActorTokenType { get; init; }

    /// <summary>A refresh token is issued too (the app allows them, and offline_access or the refresh token type was asked for).</summary>
    public bool IssueRefreshToken { get; init; }

    /// <summary>
    /// The <c>x5t#S256</c> of the client certificate the app authenticated with (RFC 8705); the access token is
    /// bound to it by a <c>cnf</c> claim. Null for apps that authenticate with a secret.
    /// </summary>
    public string? CertificateThumbprint { get; init; }

    /// <summary>
    /// The RFC 7638 thumbprint of the key of the request's DPoP proof (RFC 9449); the access token is bound to it
    /// by <c>cnf.jkt</c> and its token_type is <c>DPoP</c>. Null without a proof.
    /// </summary>
    public string? DpopThumbprint { get; init; }

    /// <summary>
    /// The DPoP key thumbprint a refresh token family this exchange starts is bound to (RFC 9449 section 5: a public
    /// client's, <see cref="Rules.DpopRefreshBinding"/>); null: the family is unbound.
    /// </summary>
    public string? RefreshDpopThumbprint { get; init; }
    /// <summary>A transaction token is asked for (issued for the subject, or replacing the one presented); null for every other exchange.</summary>
    public TransactionTokenRequest? Transaction { get; init; }

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"App = {App.ClientId}, HandlerName = {HandlerName}, SubjectToken = {Redacted.Mark(SubjectToken)}, SubjectTokenType = {SubjectTokenType}, RequestedTokenType = {RequestedTokenType}, ");
        builder.Append($"Scopes = [{string.Join(' ', Scopes)}], Audiences = [{string.Join(' ', Audiences)}], ActorToken = {Redacted.Mark(ActorToken)}, ActorTokenType = {ActorTokenType}, IssueRefreshToken = {IssueRefreshToken}, CertificateThumbprint = {CertificateThumbprint}, Transaction = {Transaction}, DpopThumbprint = {DpopThumbprint}, RefreshDpopThumbprint = {RefreshDpopThumbprint}");
        return true;
    }
}
