namespace TokenExchange;

/// <summary>
/// For the ToString of records that carry tokens or secrets: Orleans writes whole messages, results
/// included, to its Trace log, and a record's generated ToString would put the token there.
/// </summary>
public static class Redacted
{
    public static string Mark(string? secret) => secret is null ? "null" : $"<redacted {secret.Length} chars>";
}
