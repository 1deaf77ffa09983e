namespace TokenExchange.Exchange;

/// <summary>
/// No OAuth parameter (ids, secrets, tokens, URNs, scopes, URIs) holds a control character or a Unicode line
/// or paragraph separator (U+2028, U+2029: line breaks to many log viewers), and none holds U+FFFD, which is
/// what invalid UTF-8 decodes to. Refusing them keeps forged log lines, terminal escapes and look-alike
/// identifiers out of every later step.
/// </summary>
public static class ParameterText
{
    public static bool IsClean(string value) => IsClean(value.AsSpan());

    public static bool IsClean(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c) || c is '\uFFFD' or '\u2028' or '\u2029') return false;
        }
        return true;
    }

    public static string Refusal(string parameter) => $"{parameter} contains control characters, line separators or invalid UTF-8";

    /// <summary>A short, printable form of a client-supplied value, to echo in a description: at most 64 characters, control characters as '?'.</summary>
    public static string Printable(string value)
    {
        var clipped = value.Length > MaxEcho ? value[..MaxEcho] + "…" : value;
        return string.Create(clipped.Length, clipped, static (printable, text) =>
        {
            for (var i = 0; i < text.Length; i++) printable[i] = char.IsControl(text[i]) ? '?' : text[i];
        });
    }

    private const int MaxEcho = 64;
}
