namespace TokenExchange.Exchange;

/// <summary>
/// No OAuth parameter (ids, secrets, tokens, URNs, scopes, URIs) holds a control character, and none
/// holds U+FFFD, which is what invalid UTF-8 decodes to. Refusing both keeps forged log lines, terminal
/// escapes and look-alike identifiers out of every later step.
/// </summary>
public static class ParameterText
{
    public static bool IsClean(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c) || c == '\uFFFD') return false;
        }
        return true;
    }

    public static string Refusal(string parameter) => $"{parameter} contains control characters or invalid UTF-8";
}
