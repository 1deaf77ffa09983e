using TokenExchange.Users;

namespace TokenExchange.Core.Tests.Users;

public sealed class CanonicalKeysTests
{
    [Theory]
    // The Kelvin sign is K by Unicode's own canonical equivalence, so NFKC makes "\u212Aelly" the name "Kelly".
    [InlineData("\u212Aelly", "kelly")]
    [InlineData("Jos\u00E9@Example.COM", "jose\u0301@example.com")]
    [InlineData("\uFF21lice", "alice")]
    [InlineData("\uFB01nn", "finn")]
    [InlineData("\u039F\u0394\u03A5\u03A3\u03A3\u0395\u03A5\u03A3", "\u03BF\u03B4\u03C5\u03C3\u03C3\u03B5\u03C5\u03C2")]
    public void Spellings_of_one_name_share_a_key(string one, string other) =>
        Assert.Equal(CanonicalKeys.For(one), CanonicalKeys.For(other));

    [Theory]
    [InlineData("alice", "a1ice")]
    [InlineData("paypal", "p\u0430ypal")]
    public void Different_names_keep_different_keys(string one, string other) =>
        Assert.NotEqual(CanonicalKeys.For(one), CanonicalKeys.For(other));

    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("Jos\u00E9.Garc\u00EDa@example.com")]
    [InlineData("\u0438\u0432\u0430\u043D@\u043F\u0440\u0438\u043C\u0435\u0440.\u0440\u0444")]
    [InlineData("\u5C71\u7530\u305F\u308D\u3046")]
    [InlineData("\u30E4\u30DE\u30C0.alice")]
    [InlineData("user-42_x")]
    public void Ordinary_names_in_one_script_per_label_are_accepted(string value) =>
        Assert.Null(CanonicalKeys.Problem(value));

    [Theory]
    [InlineData("ali\u200Bce", "control or format character (U+200B)")]
    [InlineData("alice\u202E", "control or format character (U+202E)")]
    [InlineData("alice\n", "control or format character (U+000A)")]
    [InlineData("p\u0430ypal@example.com", "mixes scripts (Latin+Cyrillic)")]
    [InlineData("alice@ex\u0430mple.com", "mixes scripts (Latin+Cyrillic)")]
    [InlineData("\u03B1lpha", "mixes scripts (Greek+Latin)")]
    [InlineData("", "is empty")]
    public void Invisible_characters_and_mixed_scripts_are_refused(string value, string problem) =>
        Assert.Contains(problem, CanonicalKeys.Problem(value), StringComparison.Ordinal);
}
