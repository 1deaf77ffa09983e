namespace TokenExchange.Sessions;

/// <summary>
/// What a refresh token carries forward: the app, handler, scopes and targets it was issued with, and for a
/// delegated exchange the <c>act</c> chain and the expiry no token of the family may outlive.
/// </summary>
public sealed record RefreshGrant
{
    public required string ClientId { get; init; }
    public required string HandlerName { get; init; }
    public string[] Scopes { get; init; } = [];
    public string[] Audiences { get; init; } = [];

    /// <summary>The RFC 8693 <c>act</c> claim (JSON object text) of the exchange; every refreshed access token carries it again.</summary>
    public string? Act { get; init; }

    /// <summary>
    /// For a delegated exchange: the earlier of the subject token's and the actor token's expiry (unless the
    /// app's policy let tokens outlive the subject token). No refresh or access token of the family lives beyond it.
    /// </summary>
    public DateTimeOffset? NotAfter { get; init; }

    /// <summary>
    /// The RFC 7638 thumbprint of the DPoP key the family is bound to (RFC 9449 section 5: a public client's refresh
    /// tokens issued with a proof); every refresh needs a proof by that key. Null: unbound (and so in state stored before
    /// bindings existed).
    /// </summary>
    public string? DpopThumbprint { get; init; }
}
