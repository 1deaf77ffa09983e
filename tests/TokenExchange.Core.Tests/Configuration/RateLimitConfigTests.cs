using TokenExchange.Configuration;

namespace TokenExchange.Core.Tests.Configuration;

public sealed class RateLimitConfigTests
{
    private static string App(string limits) => $$"""
        apps:
          - clientId: orders-service
            clientSecret: orders-secret-0123456789abcdef
            tokenExchange: { enabled: true }
            {{limits}}
        """;

    [Fact]
    public void Rate_limits_are_loaded_and_burst_defaults_to_one_seconds_worth()
    {
        var app = ConfigLoader.ParseDocument(App("rateLimits: { requestsPerSecond: 50, invalidTokensPerMinute: 10 }")).Apps[0];

        Assert.Equal(50, app.RateLimits.RequestsPerSecond);
        Assert.Equal(50, app.RateLimits.EffectiveBurst);
        Assert.Equal(10, app.RateLimits.InvalidTokensPerMinute);
    }

    [Fact]
    public void Without_rate_limits_an_app_has_none()
    {
        var app = ConfigLoader.ParseDocument(App("")).Apps[0];

        Assert.Equal((0, 0, 0), (app.RateLimits.RequestsPerSecond, app.RateLimits.EffectiveBurst, app.RateLimits.InvalidTokensPerMinute));
    }

    [Fact]
    public void Negative_or_huge_limits_and_a_burst_without_a_rate_are_refused_by_name()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseDocument(App("rateLimits: { requestsPerSecond: -1, burst: 5, invalidTokensPerMinute: 2000000 }")));

        Assert.Contains(e.Problems, p => p.Contains("apps[0].rateLimits.requestsPerSecond must be between 0 (off) and 1000000"));
        Assert.Contains(e.Problems, p => p.Contains("apps[0].rateLimits.invalidTokensPerMinute"));

        var burstOnly = Assert.Throws<ConfigException>(() => ConfigLoader.ParseDocument(App("rateLimits: { burst: 5 }")));
        Assert.Contains(burstOnly.Problems, p => p.Contains("burst needs requestsPerSecond"));
    }
}
