using TokenExchange.Tokens;

namespace TokenExchange.Core.Tests.Tokens;

/// <summary>The jti bytes drawn a kilobyte at a time: every id unique, across refills and threads, none handed out twice.</summary>
public sealed class TokenIdRandomTests
{
    [Fact]
    public void Ten_thousand_ids_on_one_thread_are_distinct_across_many_refills_and_none_is_blank()
    {
        var ids = Draw(10_000);

        Assert.Equal(10_000, ids.Distinct().Count());
        Assert.DoesNotContain(Convert.ToHexString(new byte[TokenIdRandom.Length]), ids);
    }

    [Fact]
    public async Task Ids_drawn_on_eight_threads_at_once_are_distinct()
    {
        var start = new Barrier(8);
        var drawn = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            return Draw(2_000);
        }, TaskCreationOptions.LongRunning)));

        Assert.Equal(16_000, drawn.SelectMany(ids => ids).Distinct().Count());
    }

    [Theory]
    [InlineData(15)]
    [InlineData(32)]
    public void Another_length_is_refused(int length) =>
        Assert.Throws<ArgumentException>(() => TokenIdRandom.Fill(new byte[length]));

    private static List<string> Draw(int count)
    {
        var ids = new List<string>(count);
        Span<byte> id = stackalloc byte[TokenIdRandom.Length];
        for (var i = 0; i < count; i++)
        {
            TokenIdRandom.Fill(id);
            ids.Add(Convert.ToHexString(id));
        }
        return ids;
    }
}
