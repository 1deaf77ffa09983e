using TokenExchange.Configuration;

namespace TokenExchange.Core.Tests.Configuration;

/// <summary>An app's <c>refreshTokens.absoluteLifetime</c> and <c>introspection.audiences</c> in the configuration file.</summary>
public sealed class RefreshAndIntrospectionPolicyConfigTests
{
    private static string App(string settings) => $$"""
        apps:
          - clientId: orders-api
            clientSecret: orders-secret-0123456789abcdef
            tokenExchange: { enabled: true }
            {{settings}}
        """;

    [Fact]
    public void The_absolute_lifetime_is_loaded_and_defaults_to_thirty_days_or_the_token_lifetime_where_longer()
    {
        var given = ConfigLoader.ParseDocument(App("refreshTokens: { enabled: true, lifetime: 01:00:00, absoluteLifetime: 7.00:00:00 }")).Apps[0];
        var defaulted = ConfigLoader.ParseDocument(App("refreshTokens: { enabled: true, lifetime: 01:00:00 }")).Apps[0];
        var longTokens = ConfigLoader.ParseDocument(App("refreshTokens: { enabled: true, lifetime: 60.00:00:00 }")).Apps[0];

        Assert.Equal(TimeSpan.FromDays(7), given.RefreshTokens.AbsoluteLifetime);
        Assert.Equal(TimeSpan.FromDays(30), defaulted.RefreshTokens.AbsoluteLifetime);
        Assert.Equal(TimeSpan.FromDays(60), longTokens.RefreshTokens.AbsoluteLifetime);
    }

    [Theory]
    [InlineData("00:30:00")]        // shorter than one token's lifetime
    [InlineData("400.00:00:00")]    // beyond a year
    [InlineData("soon")]
    public void An_absolute_lifetime_shorter_than_a_token_or_beyond_a_year_is_refused_by_name(string absolute)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseDocument(App($"refreshTokens: {{ enabled: true, lifetime: 01:00:00, absoluteLifetime: \"{absolute}\" }}")));

        Assert.Contains(e.Problems, p => p.Contains("apps[0].refreshTokens.absoluteLifetime", StringComparison.Ordinal));
    }

    [Fact]
    public void Introspection_audiences_are_loaded_once_each_and_none_by_default()
    {
        var resourceServer = ConfigLoader.ParseDocument(App("introspection: { audiences: [https://orders.example, https://orders.example, orders-api] }")).Apps[0];
        var plain = ConfigLoader.ParseDocument(App("")).Apps[0];

        Assert.Equal(["https://orders.example", "orders-api"], resourceServer.Introspection.Audiences);
        Assert.Empty(plain.Introspection.Audiences);
    }

    [Fact]
    public void An_empty_introspection_audience_is_refused_by_name()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseDocument(App("introspection: { audiences: [\"\", \" \"] }")));

        Assert.Contains(e.Problems, p => p.Contains("apps[0].introspection.audiences", StringComparison.Ordinal));
    }
}
