using TokenExchange.Tokens;

namespace TokenExchange.Core.Tests.Tokens;

public sealed class KeyScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static SigningKeyEntry Key(string id, TimeSpan activates, TimeSpan? retires = null) =>
        new(id, "v1:x", Now.AddDays(-1), Now + activates, retires is { } r ? Now + r : null);

    [Fact]
    public void The_newest_active_key_signs_and_an_upcoming_one_is_published()
    {
        var (published, next) = KeySchedule.At([Key("old", TimeSpan.FromHours(-2), TimeSpan.FromHours(5)), Key("new", TimeSpan.FromMinutes(5))], Now);

        Assert.Equal(["old", "new"], published.Select(k => k.KeyId));
        Assert.Equal(Now.AddMinutes(5), next);
    }

    [Fact]
    public void Once_active_the_new_key_signs_and_the_old_one_stays_published_until_it_retires()
    {
        var keys = new[] { Key("old", TimeSpan.FromHours(-2), TimeSpan.FromHours(5)), Key("new", TimeSpan.FromMinutes(-1)) };

        var (published, next) = KeySchedule.At(keys, Now);

        Assert.Equal(["new", "old"], published.Select(k => k.KeyId));
        Assert.Equal(Now.AddHours(5), next);
    }

    [Fact]
    public void A_retired_key_is_no_longer_published()
    {
        var (published, next) = KeySchedule.At([Key("old", TimeSpan.FromHours(-9), TimeSpan.FromHours(-1)), Key("new", TimeSpan.FromHours(-2))], Now);

        Assert.Equal(["new"], published.Select(k => k.KeyId));
        Assert.Null(next);
    }
}
