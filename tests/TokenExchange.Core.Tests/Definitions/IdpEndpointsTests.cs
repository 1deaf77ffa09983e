using TokenExchange.Configuration;
using TokenExchange.Definitions;

namespace TokenExchange.Core.Tests.Definitions;

/// <summary>A handler's JWKS and introspection endpoints are https://, except to loopback or with allowInsecureHttp: true.</summary>
public sealed class IdpEndpointsTests
{
    private static string JwtHandler(string jwks, string extra = "") => $$"""
        apps:
          - { clientId: orders, clientSecret: orders-secret-0123456789abcdef, tokenExchange: { enabled: true } }
        handlers:
          - name: partner
            issuer: https://idp.partner.example
            jwks: { uri: "{{jwks}}" }
            acceptedTokenTypes: [jwt]
            audiences: [token-exchange]
            apps: [ { clientId: orders, default: true } ]
            {{extra}}
        """;

    private static string IntrospectionHandler(string endpoint, string extra = "") => $$"""
        apps:
          - { clientId: orders, clientSecret: orders-secret-0123456789abcdef, tokenExchange: { enabled: true } }
        handlers:
          - name: opaque-idp
            implementation: introspection
            introspection: { endpoint: "{{endpoint}}", clientId: tx, clientSecret: tx-secret-0123456789 }
            acceptedTokenTypes: [access_token]
            apps: [ { clientId: orders, default: true } ]
            {{extra}}
        """;

    [Theory]
    [InlineData("http://idp.partner.example/jwks")]
    [InlineData("http://10.0.0.8:8080/jwks")]
    [InlineData("http://[2001:db8::1]/jwks")]
    [InlineData("http://localhost.attacker.example/jwks")]
    [InlineData("http://127.0.0.1.nip.io/jwks")]
    public void A_plain_http_jwks_uri_to_another_host_is_refused_at_load(string uri)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(JwtHandler(uri)));

        var problem = Assert.Single(e.Problems);
        Assert.Contains("handlers[0]: handler 'partner': jwks.uri must be https://", problem);
        Assert.DoesNotContain(uri, problem);
    }

    /// <summary>
    /// Found by the config fuzz target (README "Fuzzing"): a host that Uri.TryCreate accepts but IDNA refuses made
    /// the loopback check throw UriFormatException out of the loader. Such a host is no loopback name.
    /// </summary>
    [Theory]
    [InlineData("http://127.0.0.1\uFFFD/jwks")]
    [InlineData("http://localhost\uFFFD/jwks")]
    public void A_plain_http_jwks_uri_whose_host_idna_refuses_is_refused_at_load(string uri)
    {
        Assert.False(IdpEndpoints.IsSecure(uri));
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(JwtHandler(uri)));

        Assert.Contains("handlers[0]: handler 'partner': jwks.uri must be https://", Assert.Single(e.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_http_introspection_endpoint_to_another_host_is_refused_at_load()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(IntrospectionHandler("http://idp.partner.example/introspect")));

        Assert.Contains(e.Problems, p => p.Contains("handler 'opaque-idp': introspection.endpoint must be https://", StringComparison.Ordinal));
    }

    [Fact]
    public void An_apply_document_with_a_plain_http_endpoint_is_refused_too()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseDocument(IntrospectionHandler("http://idp.partner.example/userinfo")));

        Assert.Contains(e.Problems, p => p.Contains("introspection.endpoint must be https://", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://idp.partner.example/jwks")]
    [InlineData("http://127.0.0.1:9999/jwks.json")]
    [InlineData("http://127.8.9.10/jwks")]
    [InlineData("http://[::1]:8080/jwks")]
    [InlineData("http://localhost:8080/jwks")]
    [InlineData("http://LOCALHOST/jwks")]
    public void Https_and_loopback_endpoints_load(string uri)
    {
        Assert.Equal(uri, Assert.Single(ConfigLoader.Parse(JwtHandler(uri)).Handlers).Trust.JwksUri);
        Assert.Equal(uri, Assert.Single(ConfigLoader.Parse(IntrospectionHandler(uri)).Handlers).Introspection!.Endpoint);
    }

    [Fact]
    public void Allow_insecure_http_lets_a_development_handler_use_plain_http_and_is_kept_on_the_definition()
    {
        var jwt = Assert.Single(ConfigLoader.Parse(JwtHandler("http://idp.dev.internal/jwks", "allowInsecureHttp: true")).Handlers);
        var introspection = Assert.Single(ConfigLoader.Parse(IntrospectionHandler("http://idp.dev.internal/introspect", "allowInsecureHttp: true")).Handlers);

        Assert.True(jwt.AllowInsecureHttp);
        Assert.True(introspection.AllowInsecureHttp);
    }

    [Fact]
    public void Every_admin_change_is_checked_against_the_rule_including_handlers_stored_before_it()
    {
        var stored = new HandlerDefinition { Name = "legacy", Trust = new JwtTrust { JwksUri = "http://idp.partner.example/jwks" } };
        var allowed = stored with { Name = "dev", AllowInsecureHttp = true };
        var inline = stored with { Name = "inline", Trust = stored.Trust with { InlineJwks = "{\"keys\":[]}" } };

        var problems = DefinitionRules.Check([], [stored, allowed, inline], []).ToList();

        Assert.Equal(["handler 'legacy': jwks.uri must be https:// (plain http:// only to a loopback address such as 127.0.0.1, ::1 or localhost, or with allowInsecureHttp: true for development)"], problems);
    }
}
