using TokenExchange.Diagnostics;

namespace TokenExchange.Core.Tests.Diagnostics;

public sealed class LogTextTests
{
    [Theory]
    [InlineData("x\nFORGED exchange outcome=ok", @"x\nFORGED exchange outcome=ok")]
    [InlineData("x\r\nFORGED", @"x\r\nFORGED")]
    [InlineData("x\0y", @"x\0y")]
    [InlineData("x\u001b[31mred", @"x\u001b[31mred")]
    [InlineData("tab\tbed", @"tab\tbed")]
    [InlineData("del\u007f", @"del\u007f")]
    [InlineData("next\u0085line", @"next\u0085line")]
    [InlineData("line\u2028para\u2029", @"line\u2028para\u2029")]
    [InlineData("rtl\u202eoverride\u200b", @"rtl\u202eoverride\u200b")]
    [InlineData("bom\ufeff", @"bom\ufeff")]
    public void Characters_that_could_break_or_hide_a_line_are_escaped(string value, string expected)
    {
        var escaped = LogText.Escape(value)!;
        Assert.Equal(expected, escaped);
        Assert.DoesNotContain(escaped, c => char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029');
        Assert.False(LogText.IsSafe(value));
    }

    [Theory]
    [InlineData("orders-service")]
    [InlineData("DOMAIN\\user \"quoted\" = ünïcödé 日本")]
    [InlineData("emoji 😀 pair")]
    [InlineData("")]
    public void Clean_values_come_back_as_the_same_instance(string value)
    {
        Assert.Same(value, LogText.Escape(value));
        Assert.True(LogText.IsSafe(value));
    }

    [Fact]
    public void A_lone_surrogate_is_escaped_and_a_pair_is_kept()
    {
        // Built here: theory data would carry a lone surrogate through UTF-8 and turn it into U+FFFD.
        var lone = "lone" + (char)0xD800 + "surrogate";
        Assert.Equal(@"lone\ud800surrogate", LogText.Escape(lone));
        Assert.Equal("pair 😀", LogText.Escape("pair 😀"));
    }

    [Fact]
    public void Null_stays_null() => Assert.Null(LogText.Escape(null));
}
