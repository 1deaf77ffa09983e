using System.Globalization;
using System.Text;

namespace TokenExchange.Diagnostics;

/// <summary>
/// Makes a caller-supplied value safe to write into a log line or an audit row: every character that could
/// end a line, start a terminal escape or hide text is written as a visible escape instead (<c>\n</c>,
/// <c>\r</c>, <c>\t</c>, <c>\0</c>, else <c>\uXXXX</c>). That covers control characters (C0, DEL, C1: CR, LF,
/// NUL, ESC...), the Unicode line and paragraph separators (U+2028, U+2029), format characters (bidi
/// overrides, zero-width characters, BOM) and lone surrogates. Backslashes are kept as they are: a literal
/// "\n" in a value cannot break a line, and doubling them would change ordinary values (DOMAIN\user).
/// </summary>
public static class LogText
{
    /// <summary>The value itself (the same instance) when nothing needs escaping, which is the usual case.</summary>
    public static string? Escape(string? value)
    {
        if (value is null) return null;
        var first = IndexOfUnsafe(value);
        if (first < 0) return value;
        var escaped = new StringBuilder(value.Length + 16).Append(value, 0, first);
        for (var i = first; i < value.Length; i++)
        {
            var c = value[i];
            // A surrogate pair is one (safe or format) code point; a lone surrogate is escaped on its own.
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                if (IsUnsafe(CharUnicodeInfo.GetUnicodeCategory(value, i))) escaped.Append(Code(c)).Append(Code(value[i + 1]));
                else escaped.Append(c).Append(value[i + 1]);
                i++;
                continue;
            }
            if (!IsUnsafe(c))
            {
                escaped.Append(c);
                continue;
            }
            escaped.Append(c switch
            {
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                '\0' => @"\0",
                _ => Code(c),
            });
        }
        return escaped.ToString();
    }

    /// <summary>Whether <see cref="Escape"/> would change the value.</summary>
    public static bool IsSafe(string? value) => value is null || IndexOfUnsafe(value) < 0;

    private static int IndexOfUnsafe(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            // Plain printable ASCII, nearly every value, needs no category lookup.
            if (c is >= ' ' and < '\u007f') continue;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                if (IsUnsafe(CharUnicodeInfo.GetUnicodeCategory(value, i))) return i;
                i++;
                continue;
            }
            if (IsUnsafe(c)) return i;
        }
        return -1;
    }

    private static bool IsUnsafe(char c) => IsUnsafe(CharUnicodeInfo.GetUnicodeCategory(c));

    private static bool IsUnsafe(UnicodeCategory category) => category is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
        or UnicodeCategory.Surrogate;

    private static string Code(char c) => $@"\u{(int)c:x4}";
}
