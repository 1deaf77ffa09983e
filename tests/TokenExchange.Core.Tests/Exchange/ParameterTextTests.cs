using TokenExchange.Exchange;

namespace TokenExchange.Core.Tests.Exchange;

public sealed class ParameterTextTests
{
    [Theory]
    [InlineData("orders\nservice")]
    [InlineData("orders\u0000")]
    [InlineData("orders\u001b[31m")]
    [InlineData("orders\u0085")]
    [InlineData("orders\u2028service")]
    [InlineData("orders\u2029service")]
    [InlineData("orders\uFFFD")]
    public void Line_breaks_escapes_and_replacement_characters_are_not_clean(string value) => Assert.False(ParameterText.IsClean(value));

    [Theory]
    [InlineData("orders-service")]
    [InlineData("https://orders.example/api?x=1")]
    [InlineData("ünïcödé 日本")]
    public void Ordinary_text_is_clean(string value) => Assert.True(ParameterText.IsClean(value));
}
