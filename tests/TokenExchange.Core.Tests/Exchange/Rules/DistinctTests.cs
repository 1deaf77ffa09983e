using TokenExchange.Exchange.Rules;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class DistinctTests
{
    [Fact]
    public void Values_without_repeats_are_returned_as_they_are()
    {
        string[] values = ["a", "b", "c"];

        Assert.Same(values, Distinct.Of(values));
        Assert.Same(values, Distinct.Of(values, []));
        Assert.Same(values, Distinct.Of([], values));
    }

    [Theory]
    [InlineData(new[] { "a", "a" }, new[] { "a" })]
    [InlineData(new[] { "a", "b", "a" }, new[] { "a", "b" })]
    [InlineData(new[] { "a", "b", "b" }, new[] { "a", "b" })]
    [InlineData(new[] { "b", "a", "c", "a", "b" }, new[] { "b", "a", "c" })]
    public void A_repeated_value_is_kept_once_where_it_first_appears(string[] values, string[] expected)
    {
        Assert.Equal(expected, Distinct.Of(values));
        Assert.Equal(expected, Distinct.Of([], values));
    }

    [Fact]
    public void Values_compare_exactly()
    {
        Assert.Equal(["a", "A"], Distinct.Of(["a", "A"]));
    }

    [Fact]
    public void Two_lists_are_joined_each_value_once()
    {
        Assert.Equal(["a", "b", "c"], Distinct.Of(["a", "b"], ["b", "c", "a"]));
        Assert.Equal(["a", "b"], Distinct.Of(["a", "a"], ["b"]));
    }

    [Fact]
    public void Nothing_gives_nothing()
    {
        Assert.Empty(Distinct.Of([]));
        Assert.Empty(Distinct.Of([], []));
    }
}
