using TokenExchange.Configuration;
using TokenExchange.Definitions;

namespace TokenExchange.Core.Tests.Configuration;

/// <summary>A jwt handler's <c>validationCache:</c> (README "Verified-token cache"): on by default, bounded, off with maxEntries 0, jwt only.</summary>
public sealed class ValidationCacheConfigTests
{
    private const string Valid = """
        apps:
          - { clientId: orders-service, clientSecret: orders-secret-0123456789abcdef, tokenExchange: { enabled: true } }
        handlers:
          - name: partner-idp
            acceptedTokenTypes: [jwt]
            issuer: https://idp.partner.example
            jwks: { uri: https://idp.partner.example/jwks.json }
            audiences: [token-exchange]
            apps:
              - { clientId: orders-service, default: true }

        """;

    private static string With(string section) => Valid.Replace("    audiences: [token-exchange]\n", "    audiences: [token-exchange]\n    " + section + "\n", StringComparison.Ordinal);

    private static IReadOnlyList<string> Problems(string yaml) => Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml)).Problems;

    [Fact]
    public void A_jwt_handler_caches_by_default_five_minutes_and_a_hundred_thousand_tokens()
    {
        var cache = Assert.Single(ConfigLoader.Parse(Valid).Handlers).Trust.ValidationCache;

        Assert.Equal(TimeSpan.FromMinutes(5), cache.MaxAge);
        Assert.Equal(100_000, cache.MaxEntries);
        Assert.True(cache.Enabled);
    }

    [Fact]
    public void The_bounds_are_loaded()
    {
        var cache = Assert.Single(ConfigLoader.Parse(With("validationCache: { maxAge: 00:00:45, maxEntries: 2000 }")).Handlers).Trust.ValidationCache;

        Assert.Equal(new ValidationCachePolicy { MaxAge = TimeSpan.FromSeconds(45), MaxEntries = 2000 }, cache);
    }

    [Fact]
    public void A_section_without_a_bound_takes_its_default()
    {
        var cache = Assert.Single(ConfigLoader.Parse(With("validationCache: { maxEntries: 10 }")).Handlers).Trust.ValidationCache;

        Assert.Equal(TimeSpan.FromMinutes(5), cache.MaxAge);
    }

    [Fact]
    public void Max_entries_zero_turns_it_off()
    {
        var cache = Assert.Single(ConfigLoader.Parse(With("validationCache: { maxEntries: 0 }")).Handlers).Trust.ValidationCache;

        Assert.False(cache.Enabled);
    }

    [Theory]
    [InlineData("validationCache: { maxAge: 00:00:00.5000000 }", "validationCache.maxAge must be between 1 second and 1 hour")]
    [InlineData("validationCache: { maxAge: 01:00:01 }", "validationCache.maxAge must be between 1 second and 1 hour")]
    [InlineData("validationCache: { maxAge: soon }", "validationCache.maxAge")]
    [InlineData("validationCache: { maxEntries: -1 }", "validationCache.maxEntries must be 0 (off) or between 3 and 10000000")]
    [InlineData("validationCache: { maxEntries: 2 }", "validationCache.maxEntries must be 0 (off) or between 3 and 10000000")]
    [InlineData("validationCache: { maxEntries: 10000001 }", "validationCache.maxEntries must be 0 (off) or between 3 and 10000000")]
    [InlineData("validationCache: { enabled: false }", "enabled")]
    public void Out_of_bounds_settings_are_problems(string section, string expected)
    {
        Assert.Contains(Problems(With(section)), p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("validationCache: { maxAge: 00:00:01, maxEntries: 10000000 }")]
    [InlineData("validationCache: { maxAge: 01:00:00, maxEntries: 3 }")]
    public void The_bounds_themselves_are_accepted(string section) =>
        Assert.Single(ConfigLoader.Parse(With(section)).Handlers);

    [Theory]
    [InlineData("introspection", "    introspection:\n      endpoint: https://idp.example/userinfo\n      userinfo: true\n", "access_token")]
    [InlineData("\"A.B, C\"", "", "jwt")]
    public void It_is_a_setting_of_the_jwt_implementation_only(string implementation, string section, string tokenType)
    {
        var yaml = "handlers:\n  - name: other\n    implementation: " + implementation + "\n" + section
            + "    acceptedTokenTypes: [" + tokenType + "]\n    validationCache: { maxEntries: 5 }\n";

        Assert.Contains(Problems(yaml), p => p.Contains("handlers[0].validationCache is a setting of the jwt implementation", StringComparison.Ordinal));
    }

    [Fact]
    public void Written_back_as_a_document_only_for_jwt_handlers()
    {
        var jwt = Assert.Single(ConfigLoader.Parse(With("validationCache: { maxAge: 00:02:00, maxEntries: 9 }")).Handlers);

        var model = DefinitionDocument.ToModel(jwt);
        var introspection = DefinitionDocument.ToModel(new HandlerDefinition { Name = "intro", Implementation = HandlerImplementations.Introspection });

        Assert.Equal(("00:02:00", 9), (model.ValidationCache?.MaxAge, model.ValidationCache?.MaxEntries));
        Assert.Null(introspection.ValidationCache);
    }
}
