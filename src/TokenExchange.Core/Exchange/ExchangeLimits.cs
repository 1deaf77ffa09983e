namespace TokenExchange.Exchange;

/// <summary>Size limits on a request's parameters. Larger input is refused with invalid_request.</summary>
public sealed record ExchangeLimits
{
    /// <summary>
    /// Longest subject or actor token accepted. docs/spec.md asks that 10,000 characters work (Salesforce's limit);
    /// IdP tokens with many claims run longer, so the default leaves headroom.
    /// </summary>
    public int MaxTokenLength { get; init; } = 16 * 1024;

    /// <summary>Longest value of any other parameter (client id, secret, scope, audience, handler name).</summary>
    public int MaxParameterLength { get; init; } = 1024;

    /// <summary>Most values of a repeatable parameter (scopes, audiences, resources).</summary>
    public int MaxRepeatedValues { get; init; } = 32;

    /// <summary>
    /// Longest <c>request_details</c> or <c>request_context</c> of a transaction token request (JSON objects that the
    /// token carries to every workload of the transaction, in an HTTP header: kept small).
    /// </summary>
    public int MaxTransactionContextLength { get; init; } = 4 * 1024;
}
