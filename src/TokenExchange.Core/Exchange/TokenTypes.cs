namespace TokenExchange.Exchange;

/// <summary>RFC 8693 section 3 token type identifiers.</summary>
public static class TokenTypes
{
    public const string AccessToken = "urn:ietf:params:oauth:token-type:access_token";
    public const string RefreshToken = "urn:ietf:params:oauth:token-type:refresh_token";
    public const string IdToken = "urn:ietf:params:oauth:token-type:id_token";
    public const string Jwt = "urn:ietf:params:oauth:token-type:jwt";
    public const string Saml1 = "urn:ietf:params:oauth:token-type:saml1";
    public const string Saml2 = "urn:ietf:params:oauth:token-type:saml2";

    /// <summary>A transaction token (draft-ietf-oauth-transaction-tokens-10, "Txn-Token Request"): issued by the cluster, replaced only by it.</summary>
    public const string TxnToken = "urn:ietf:params:oauth:token-type:txn_token";

    private const string Prefix = "urn:ietf:params:oauth:token-type:";

    private static readonly string[] Known = [AccessToken, RefreshToken, IdToken, Jwt, Saml1, Saml2, TxnToken];

    /// <summary>
    /// The canonical URN for a token type given as a URN or a short name (<c>jwt</c>, <c>access_token</c>).
    /// Case-insensitive, since Salesforce's documentation spells <c>...:JWT</c>. Null when unknown.
    /// </summary>
    public static string? Normalize(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        // A span, not a substring: every exchange's token types come through here.
        var shortName = value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? value.AsSpan(Prefix.Length) : value.AsSpan();
        foreach (var known in Known)
        {
            if (known.AsSpan(Prefix.Length).Equals(shortName, StringComparison.OrdinalIgnoreCase)) return known;
        }
        return null;
    }
}
