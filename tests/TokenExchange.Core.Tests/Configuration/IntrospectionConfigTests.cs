using TokenExchange.Configuration;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Handlers;

namespace TokenExchange.Core.Tests.Configuration;

/// <summary>The <c>implementation: introspection</c> handler in the configuration file, and its problems.</summary>
public sealed class IntrospectionConfigTests
{
    private const string Valid = """
        apps:
          - { clientId: orders-service, clientSecret: orders-secret-0123456789abcdef, tokenExchange: { enabled: true } }
        handlers:
          - name: opaque-idp
            implementation: introspection
            acceptedTokenTypes: [access_token]
            introspection:
              endpoint: https://idp.example/oauth2/introspect
              clientId: token-exchange
              clientSecret: our-secret-at-the-idp
              issuer: https://idp.example
              negativeCacheFor: "00:00:03"
              maxCacheFor: "00:02:00"
              maxCacheEntries: 5000
            userMapping: { claim: email, attribute: email }
            timeout: "00:00:02"
            apps:
              - { clientId: orders-service, default: true, allowUserCreation: true }

        """;

    private static string Mutate(string from, string to)
    {
        Assert.Contains(from, Valid, StringComparison.Ordinal);
        return Valid.Replace(from, to, StringComparison.Ordinal);
    }

    private static IReadOnlyList<string> Problems(string yaml) => Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml)).Problems;

    [Fact]
    public void An_introspection_handler_is_loaded_with_its_endpoint_credentials_and_cache_settings()
    {
        var handler = Assert.Single(ConfigLoader.Parse(Valid).Handlers);

        Assert.Equal(HandlerImplementations.Introspection, handler.Implementation);
        Assert.True(handler.IsIntrospection);
        Assert.False(handler.IsBuiltIn);
        Assert.False(handler.IsPlugin);
        Assert.Equal([TokenTypes.AccessToken], handler.AcceptedTokenTypes);
        Assert.Equal(TimeSpan.FromSeconds(2), handler.Timeout);
        Assert.Equal(UserField.Email, handler.UserMapping.Attribute);
        var trust = handler.Introspection!;
        Assert.Equal("https://idp.example/oauth2/introspect", trust.Endpoint);
        // Our own credential at the IdP: kept as it is, since it is sent (unlike app secrets, hashed on load).
        Assert.Equal(("token-exchange", "our-secret-at-the-idp"), (trust.ClientId, trust.ClientSecret));
        Assert.False(trust.UseUserinfo);
        Assert.Equal("https://idp.example", trust.Issuer);
        Assert.Equal(TimeSpan.FromSeconds(3), trust.NegativeCacheFor);
        Assert.Equal(TimeSpan.FromMinutes(2), trust.MaxCacheFor);
        Assert.Equal(5000, trust.MaxCacheEntries);
    }

    [Fact]
    public void Cache_settings_have_defaults()
    {
        var yaml = Mutate("""
                  negativeCacheFor: "00:00:03"
                  maxCacheFor: "00:02:00"
                  maxCacheEntries: 5000

            """, "\n");

        var trust = Assert.Single(ConfigLoader.Parse(yaml).Handlers).Introspection!;

        Assert.Equal(TimeSpan.FromSeconds(5), trust.NegativeCacheFor);
        Assert.Equal(TimeSpan.FromMinutes(5), trust.MaxCacheFor);
        Assert.Equal(100_000, trust.MaxCacheEntries);
    }

    [Fact]
    public void A_userinfo_handler_needs_no_client_credentials()
    {
        var yaml = Mutate("""
                  clientId: token-exchange
                  clientSecret: our-secret-at-the-idp

            """, "      userinfo: true\n");

        var trust = Assert.Single(ConfigLoader.Parse(yaml).Handlers).Introspection!;

        Assert.True(trust.UseUserinfo);
        Assert.Null(trust.ClientSecret);
    }

    [Fact]
    public void Jwt_settings_are_not_required_of_an_introspection_handler()
    {
        var handler = Assert.Single(ConfigLoader.Parse(Valid).Handlers);

        Assert.Null(handler.Trust.Issuer);
        Assert.Null(handler.Trust.JwksUri);
        Assert.Empty(handler.Trust.Audiences);
    }

    [Theory]
    [InlineData("      endpoint: https://idp.example/oauth2/introspect\n", "", "introspection.endpoint must be an absolute http(s) URL")]
    [InlineData("endpoint: https://idp.example/oauth2/introspect", "endpoint: /oauth2/introspect", "introspection.endpoint must be an absolute http(s) URL")]
    [InlineData("endpoint: https://idp.example/oauth2/introspect", "endpoint: ftp://idp.example/introspect", "introspection.endpoint must be an absolute http(s) URL")]
    [InlineData("      clientSecret: our-secret-at-the-idp\n", "", "needs clientId and clientSecret")]
    [InlineData("      clientId: token-exchange\n", "", "needs clientId and clientSecret")]
    [InlineData("      clientId: token-exchange\n", "      userinfo: true\n      clientId: token-exchange\n", "are not used with userinfo: true")]
    [InlineData("negativeCacheFor: \"00:00:03\"", "negativeCacheFor: \"00:10:00\"", "negativeCacheFor must be between 0 and 5 minutes")]
    [InlineData("negativeCacheFor: \"00:00:03\"", "negativeCacheFor: \"-00:00:01\"", "negativeCacheFor must be between 0 and 5 minutes")]
    [InlineData("maxCacheFor: \"00:02:00\"", "maxCacheFor: \"02:00:00\"", "maxCacheFor must be between 0 and 1 hour")]
    [InlineData("maxCacheFor: \"00:02:00\"", "maxCacheFor: soon", "maxCacheFor: 'soon' is not a duration")]
    [InlineData("maxCacheEntries: 5000", "maxCacheEntries: -1", "maxCacheEntries must be between 0 and")]
    [InlineData("acceptedTokenTypes: [access_token]", "acceptedTokenTypes: [access_token, jwt]", "validates access tokens only, not 'jwt'")]
    [InlineData("acceptedTokenTypes: [access_token]", "acceptedTokenTypes: [refresh_token]", "validates access tokens only, not 'refresh_token'")]
    [InlineData("    implementation: introspection\n", "    implementation: introspection\n    issuer: https://idp.example\n", "issuer, jwks and devIssuer are settings of the jwt implementation")]
    [InlineData("    implementation: introspection\n", "    implementation: introspection\n    jwks: { uri: https://idp.example/jwks }\n", "issuer, jwks and devIssuer are settings of the jwt implementation")]
    public void Problems_of_an_introspection_handler_are_reported(string from, string to, string problem)
    {
        var problems = Problems(Mutate(from, to));

        Assert.Contains(problems, p => p.StartsWith("handlers[0]", StringComparison.Ordinal) && p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void An_introspection_handler_without_its_settings_is_a_problem()
    {
        var yaml = Valid[..Valid.IndexOf("    introspection:\n", StringComparison.Ordinal)] + Valid[Valid.IndexOf("    userMapping:", StringComparison.Ordinal)..];

        Assert.Contains("handlers[0].introspection is required for implementation: introspection (endpoint, clientId, clientSecret; or endpoint and userinfo: true)", Problems(yaml));
    }

    [Fact]
    public void Introspection_settings_on_a_jwt_handler_are_a_problem()
    {
        var yaml = Mutate("implementation: introspection", "implementation: jwt\n    issuer: https://idp.example\n    jwks: { uri: https://idp.example/jwks }\n    audiences: [token-exchange]");

        Assert.Contains("handlers[0].introspection is a setting of the introspection implementation, not of 'jwt'", Problems(yaml));
    }

    [Fact]
    public void An_unknown_implementation_names_the_built_in_ones()
    {
        var problems = Problems(Mutate("implementation: introspection", "implementation: introspect"));

        Assert.Contains("handlers[0].implementation 'introspect' is neither jwt, introspection nor a .NET type as 'Namespace.Type, Assembly'", problems);
    }
}
