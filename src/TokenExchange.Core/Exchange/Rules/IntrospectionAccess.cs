using System.Text.Json;
using TokenExchange.Definitions;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// Who may see an access token's claims (RFC 7662 section 4: the server decides, and answers anyone else
/// as if the token were not active): the app it was issued to, and the apps registered as resource servers
/// of one of its audiences (<c>introspection: { audiences: [...] }</c>).
/// </summary>
public static class IntrospectionAccess
{
    public static bool MayIntrospect(AppDefinition caller, string? issuedTo, IEnumerable<string> audiences) =>
        (issuedTo is not null && string.Equals(issuedTo, caller.ClientId, StringComparison.Ordinal))
        || audiences.Any(a => caller.Introspection.Audiences.Contains(a, StringComparer.Ordinal));

    /// <summary>The <c>aud</c> of claims read back from JSON: one string or an array of strings.</summary>
    public static IEnumerable<string> Audiences(object? aud) => aud switch
    {
        JsonElement { ValueKind: JsonValueKind.String } one => [one.GetString()!],
        JsonElement { ValueKind: JsonValueKind.Array } many => many.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray(),
        _ => [],
    };
}
