namespace TokenExchange.Exchange;

/// <summary>The verdict of <see cref="ExchangePipeline.Authorize"/>: an authorized exchange or an OAuth error.</summary>
public readonly record struct Authorization(AuthorizedExchange? Exchange, OAuthError? Error)
{
    public static implicit operator Authorization(AuthorizedExchange exchange) => new(exchange, null);
    public static implicit operator Authorization(OAuthError error) => new(null, error);
}
