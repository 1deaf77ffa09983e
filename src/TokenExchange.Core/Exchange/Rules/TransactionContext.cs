using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// A transaction token request's <c>request_details</c> and <c>request_context</c> (draft-ietf-oauth-transaction-tokens-10)
/// are each a JSON object, no longer than <see cref="ExchangeLimits.MaxTransactionContextLength"/> and nested at most
/// <see cref="MaxDepth"/> deep: every workload of the transaction receives them in the token. They are given back
/// compact, as the token will carry them (their whitespace, line breaks included, is the JSON's, not the value's).
/// </summary>
public static class TransactionContext
{
    public const int MaxDepth = 8;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = MaxDepth };

    public static OAuthError? Check(ExchangeRequest request, ExchangeLimits limits, out string? details, out string? context)
    {
        context = null;
        return Compact("request_details", request.RequestDetails, limits, out details)
            ?? Compact("request_context", request.RequestContext, limits, out context);
    }

    private static OAuthError? Compact(string name, string? value, ExchangeLimits limits, out string? compact)
    {
        compact = null;
        if (value is null) return null;
        if (value.Length > limits.MaxTransactionContextLength)
            return Errors.InvalidRequest($"{name} is longer than {limits.MaxTransactionContextLength} characters");
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(value, documentOptions: Options);
        }
        // JsonException: not JSON, or nested deeper than MaxDepth; ArgumentException: text that is not valid UTF-16.
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return Errors.InvalidRequest($"{name} must be a JSON object, nested at most {MaxDepth} deep");
        }
        if (node is not JsonObject) return Errors.InvalidRequest($"{name} must be a JSON object, nested at most {MaxDepth} deep");
        compact = node.ToJsonString();
        return null;
    }
}
