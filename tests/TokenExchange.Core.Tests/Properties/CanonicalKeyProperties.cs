using System.Text;
using CsCheck;
using TokenExchange.Users;

namespace TokenExchange.Core.Tests.Properties;

/// <summary>
/// Canonical keys of usernames and emails: a fixed point, blind to case, and the same for every Unicode
/// spelling of one text (composed, decomposed, compatibility forms).
/// </summary>
public sealed class CanonicalKeyProperties
{
    private const int Iterations = 2000;

    /// <summary>Text mixing ASCII, accented Latin, combining marks, Greek, Cyrillic, full-width and compatibility characters.</summary>
    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.String[Gen.Char, 0, 30],
        Gen.String[Gen.Char["aAeEiIkKsSoO\u00E9\u00C9\u0301\u0308\u212A\u017F\u03C3\u03C2\u03A3\u0131\u0130\u00DF\uFF21\uFF41\uFB01\u0430\u0410\u1E9E@._-"], 0, 30]);

    [Fact]
    public void The_key_of_a_key_is_the_key() =>
        Text.Sample(value => CanonicalKeys.For(CanonicalKeys.For(value)) == CanonicalKeys.For(value), iter: Iterations);

    [Fact]
    public void Upper_and_lower_case_spellings_share_a_key() =>
        Text.Sample(value =>
            CanonicalKeys.For(value.ToUpperInvariant()) == CanonicalKeys.For(value)
            && CanonicalKeys.For(value.ToLowerInvariant()) == CanonicalKeys.For(value), iter: Iterations);

    [Fact]
    public void Composed_and_decomposed_spellings_share_a_key() =>
        Text.Sample(value =>
            CanonicalKeys.For(value.Normalize(NormalizationForm.FormC)) == CanonicalKeys.For(value.Normalize(NormalizationForm.FormD))
            && CanonicalKeys.For(value.Normalize(NormalizationForm.FormKD)) == CanonicalKeys.For(value), iter: Iterations);
}
