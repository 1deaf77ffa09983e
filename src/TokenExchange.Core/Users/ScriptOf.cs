using System.Text;

namespace TokenExchange.Users;

/// <summary>
/// The writing script of letters, by Unicode block: enough to tell the scripts homographs are made from
/// (Latin, Greek, Cyrillic, Armenian, ...). Digits, marks and punctuation belong to no script. Japanese
/// (Han with kana) and Korean (Han with Hangul) are single writing systems and may mix as they do.
/// </summary>
internal static class ScriptOf
{
    private static readonly (int First, int Last, string Script)[] Blocks =
    [
        (0x0041, 0x005A, "Latin"), (0x0061, 0x007A, "Latin"), (0x00AA, 0x00AA, "Latin"), (0x00BA, 0x00BA, "Latin"),
        (0x00C0, 0x024F, "Latin"), (0x0250, 0x02AF, "Latin"), (0x1D00, 0x1D7F, "Latin"), (0x1E00, 0x1EFF, "Latin"),
        (0x2C60, 0x2C7F, "Latin"), (0xA720, 0xA7FF, "Latin"), (0xAB30, 0xAB6F, "Latin"), (0xFF21, 0xFF3A, "Latin"), (0xFF41, 0xFF5A, "Latin"),
        (0x0370, 0x03FF, "Greek"), (0x1F00, 0x1FFF, "Greek"),
        (0x0400, 0x052F, "Cyrillic"), (0x1C80, 0x1C8F, "Cyrillic"), (0x2DE0, 0x2DFF, "Cyrillic"), (0xA640, 0xA69F, "Cyrillic"),
        (0x0530, 0x058F, "Armenian"),
        (0x0590, 0x05FF, "Hebrew"),
        (0x0600, 0x06FF, "Arabic"), (0x0750, 0x077F, "Arabic"), (0x08A0, 0x08FF, "Arabic"),
        (0x0900, 0x097F, "Devanagari"),
        (0x0E00, 0x0E7F, "Thai"),
        (0x10A0, 0x10FF, "Georgian"),
        (0x13A0, 0x13FF, "Cherokee"), (0xAB70, 0xABBF, "Cherokee"),
        (0x1100, 0x11FF, "Hangul"), (0x3130, 0x318F, "Hangul"), (0xAC00, 0xD7AF, "Hangul"),
        (0x3040, 0x309F, "Hiragana"),
        (0x30A0, 0x30FF, "Katakana"), (0x31F0, 0x31FF, "Katakana"), (0xFF66, 0xFF9F, "Katakana"),
        (0x3400, 0x4DBF, "Han"), (0x4E00, 0x9FFF, "Han"), (0xF900, 0xFAFF, "Han"), (0x20000, 0x3FFFF, "Han"),
    ];

    /// <summary>The scripts of a label's letters when they are more than one writing system allows; else null.</summary>
    public static string? Mixed(string label)
    {
        var scripts = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var rune in label.EnumerateRunes())
        {
            if (!Rune.IsLetter(rune)) continue;
            scripts.Add(Of(rune.Value));
        }
        if (scripts.Count <= 1) return null;
        scripts.Remove("Han");
        if (scripts.IsSubsetOf(["Hiragana", "Katakana"]) || scripts.SetEquals(["Hangul"])) return null;
        if (scripts.Count == 0) return null;
        return string.Join('+', label.EnumerateRunes().Where(Rune.IsLetter).Select(r => Of(r.Value)).Distinct());
    }

    private static string Of(int codePoint)
    {
        foreach (var (first, last, script) in Blocks)
        {
            if (codePoint >= first && codePoint <= last) return script;
        }
        // A letter of a script not listed: its block stands for its script.
        return $"U+{codePoint & ~0x7F:X4}";
    }
}
