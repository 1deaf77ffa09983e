using TokenExchange.Exchange;

namespace TokenExchange.Core.Tests.Exchange;

public sealed class ParameterTextPrintableTests
{
    [Fact]
    public void A_short_printable_value_is_echoed_as_it_is()
    {
        Assert.Equal("https://orders.example", ParameterText.Printable("https://orders.example"));
    }

    [Fact]
    public void A_value_of_64_characters_is_echoed_whole_and_a_longer_one_clipped()
    {
        var limit = new string('a', 64);

        Assert.Equal(limit, ParameterText.Printable(limit));
        Assert.Equal(limit + "…", ParameterText.Printable(limit + "b"));
    }

    [Fact]
    public void Control_characters_are_echoed_as_question_marks()
    {
        Assert.Equal("a?b?c", ParameterText.Printable("a\nb\u0000c"));
    }
}
