using System.Globalization;
using System.Text;

namespace TokenExchange.Users;

/// <summary>
/// How usernames and emails compare: after NFKC normalization and case folding, so that look-alikes that
/// Unicode says are the same text (composed and decomposed accents, full-width letters, the Kelvin sign)
/// meet on one key and cannot become two users.
/// </summary>
public static class CanonicalKeys
{
    /// <summary>
    /// The value's canonical key. Folding goes through upper case and then lower case, so that every case
    /// variant of a letter meets (σ, ς and Σ; ı, I and i), which lower case alone does not do. NFKC runs again
    /// last, since case mapping can leave a sequence that is not normalized; the result is a fixed point.
    /// </summary>
    public static string For(string value)
    {
        var folded = value.Normalize(NormalizationForm.FormKC).ToUpperInvariant().ToLowerInvariant();
        return folded.Normalize(NormalizationForm.FormKC);
    }

    /// <summary>
    /// Why a username or email cannot be a key (null when it can): control or format characters (invisible,
    /// or steering how text displays), or letters of more than one script within one label (between dots
    /// or '@'), the mark of a homograph such as a Cyrillic 'а' in a Latin name.
    /// </summary>
    public static string? Problem(string value)
    {
        if (value.Length == 0) return "is empty";
        foreach (var rune in value.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format)
                return $"contains an invisible control or format character (U+{rune.Value:X4})";
        }
        foreach (var label in value.Normalize(NormalizationForm.FormKC).Split('.', '@'))
        {
            if (ScriptOf.Mixed(label) is { } scripts) return $"mixes scripts ({scripts}) within one label";
        }
        return null;
    }
}
