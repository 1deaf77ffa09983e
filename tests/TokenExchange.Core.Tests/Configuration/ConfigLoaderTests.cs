using System.Text.Json;
using TokenExchange.Clients;
using TokenExchange.Configuration;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Handlers;

namespace TokenExchange.Core.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    private const string OrdersSecret = "orders-secret-0123456789abcdef";
    private const string ReportsSecret = "reports-secret-0123456789abcdef";

    private const string Valid = """
        apps:
          - clientId: orders-service
            clientSecret: orders-secret-0123456789abcdef   # plaintext only in dev config; stored hashed
            tokenExchange: { enabled: true, requireSecret: true }
            allowedScopes: [api, openid]
            allowedAudiences: [https://orders.example]
            accessToken: { format: jwt, lifetime: 00:05:00 }
          - clientId: reports-service
            clientSecret: reports-secret-0123456789abcdef
            tokenExchange: { enabled: false, requireSecret: true }
            allowedScopes: [api]
        handlers:
          - name: partner-idp
            implementation: jwt
            acceptedTokenTypes: [access_token, jwt]
            issuer: https://idp.partner.example
            jwks: { uri: http://127.0.0.1:9999/jwks.json }   # or: jwks: { keys: [ ...inline JWKs... ] }
            audiences: [token-exchange]
            algorithms: [ES256, RS256]
            userMapping: { claim: sub, attribute: federationId }
            apps:
              - { clientId: orders-service, default: true, allowUserCreation: true }
        users:
          - { id: u-alice, username: alice@example.com, email: alice@example.com, federationId: alice-ext-1 }

        """;

    private const string SecondHandler = """
          - name: other-idp
            acceptedTokenTypes: [jwt]
            issuer: https://idp.other.example
            jwks: { uri: https://idp.other.example/jwks.json }
            audiences: [token-exchange]
            apps:
              - { clientId: orders-service, default: true }

        """;

    /// <summary>The valid configuration with one piece of text replaced (which must be there).</summary>
    private static string Mutate(string from, string to)
    {
        Assert.Contains(from, Valid, StringComparison.Ordinal);
        return Valid.Replace(from, to, StringComparison.Ordinal);
    }

    private static IReadOnlyList<string> Problems(string yaml) => Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml)).Problems;

    [Fact]
    public void Valid_configuration_loads_two_apps_one_handler_one_user()
    {
        var definitions = ConfigLoader.Parse(Valid);

        Assert.Equal(["orders-service", "reports-service"], definitions.Apps.Select(a => a.ClientId));
        Assert.Equal("partner-idp", Assert.Single(definitions.Handlers).Name);
        Assert.Equal("u-alice", Assert.Single(definitions.Users).Id);
    }

    [Fact]
    public void App_settings_are_loaded()
    {
        var orders = ConfigLoader.Parse(Valid).Apps[0];

        Assert.True(orders.TokenExchangeEnabled);
        Assert.True(orders.RequireSecret);
        Assert.Equal(["api", "openid"], orders.AllowedScopes);
        Assert.Equal(["https://orders.example"], orders.AllowedAudiences);
        Assert.Equal(AccessTokenFormats.Jwt, orders.AccessToken.Format);
        Assert.Equal(TimeSpan.FromMinutes(5), orders.AccessToken.Lifetime);
        Assert.False(orders.AccessToken.MayOutliveSubjectToken);
    }

    [Fact]
    public void Second_app_has_token_exchange_disabled()
    {
        var reports = ConfigLoader.Parse(Valid).Apps[1];

        Assert.False(reports.TokenExchangeEnabled);
        Assert.Equal(["api"], reports.AllowedScopes);
        Assert.Empty(reports.AllowedAudiences);
    }

    [Fact]
    public void Secrets_are_stored_as_hashes_that_verify()
    {
        var apps = ConfigLoader.Parse(Valid).Apps;

        Assert.All(apps.SelectMany(a => a.SecretHashes), h => Assert.True(ClientSecretHasher.IsWellFormedHash(h)));
        Assert.True(ClientSecretHasher.Verify(OrdersSecret, apps[0].SecretHashes));
        Assert.True(ClientSecretHasher.Verify(ReportsSecret, apps[1].SecretHashes));
        Assert.False(ClientSecretHasher.Verify(ReportsSecret, apps[0].SecretHashes));
    }

    [Fact]
    public void No_definition_field_holds_a_plaintext_secret()
    {
        var definitions = ConfigLoader.Parse(Valid);

        var everything = JsonSerializer.Serialize(definitions);

        Assert.DoesNotContain(OrdersSecret, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(ReportsSecret, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(definitions.Apps, a => a.SecretHashes.Contains(OrdersSecret) || a.SecretHashes.Contains(ReportsSecret));
    }

    [Fact]
    public void Handler_settings_are_loaded_with_token_types_normalized_to_urns()
    {
        var handler = Assert.Single(ConfigLoader.Parse(Valid).Handlers);

        Assert.Equal(HandlerImplementations.Jwt, handler.Implementation);
        Assert.True(handler.Enabled);
        Assert.Equal([TokenTypes.AccessToken, TokenTypes.Jwt], handler.AcceptedTokenTypes);
        Assert.Equal("https://idp.partner.example", handler.Trust.Issuer);
        Assert.Equal("http://127.0.0.1:9999/jwks.json", handler.Trust.JwksUri);
        Assert.Null(handler.Trust.InlineJwks);
        Assert.Equal(["token-exchange"], handler.Trust.Audiences);
        Assert.Equal(["ES256", "RS256"], handler.Trust.Algorithms);
        Assert.Equal(TimeSpan.FromSeconds(30), handler.Trust.ClockSkew);
        Assert.Equal("sub", handler.UserMapping.Claim);
        Assert.Equal(UserField.FederationId, handler.UserMapping.Attribute);
        var enablement = Assert.Single(handler.Enablements);
        Assert.Equal("orders-service", enablement.ClientId);
        Assert.True(enablement.Default);
        Assert.True(enablement.AllowUserCreation);
    }

    [Fact]
    public void User_is_loaded()
    {
        var user = Assert.Single(ConfigLoader.Parse(Valid).Users);

        Assert.Equal("alice@example.com", user.Username);
        Assert.Equal("alice@example.com", user.Email);
        Assert.Equal("alice-ext-1", user.FederationId);
        Assert.True(user.Enabled);
    }

    [Fact]
    public void Inline_jwks_keys_are_kept_as_a_jwks_document()
    {
        var yaml = Mutate("jwks: { uri: http://127.0.0.1:9999/jwks.json }", "jwks: { keys: [ { kty: EC, crv: P-256, kid: k1, x: AAAA, y: BBBB } ] }");

        var trust = Assert.Single(ConfigLoader.Parse(yaml).Handlers).Trust;

        Assert.Null(trust.JwksUri);
        using var document = JsonDocument.Parse(trust.InlineJwks!);
        Assert.Equal("k1", document.RootElement.GetProperty("keys")[0].GetProperty("kid").GetString());
    }

    [Fact]
    public void Production_secret_hashes_are_accepted()
    {
        var hash = ClientSecretHasher.Hash(OrdersSecret);
        var yaml = Mutate("clientSecret: orders-secret-0123456789abcdef", $"clientSecretHashes: [\"{hash}\"]");

        Assert.Equal([hash], ConfigLoader.Parse(yaml).Apps[0].SecretHashes);
    }

    [Fact]
    public void Malformed_secret_hash_is_a_problem()
    {
        var problems = Problems(Mutate("clientSecret: orders-secret-0123456789abcdef", "clientSecretHashes: [\"sha256:short\"]"));

        Assert.Contains(problems, p => p.Contains("clientSecretHashes", StringComparison.Ordinal));
    }

    [Fact]
    public void Required_secret_missing_for_an_enabled_app_is_a_problem()
    {
        var problems = Problems(Mutate("    clientSecret: orders-secret-0123456789abcdef   # plaintext only in dev config; stored hashed\n", ""));

        Assert.Contains(problems, p => p.Contains("requireSecret", StringComparison.Ordinal));
    }

    [Fact]
    public void Empty_configuration_loads_nothing()
    {
        var definitions = ConfigLoader.Parse("");

        Assert.Empty(definitions.Apps);
        Assert.Empty(definitions.Handlers);
        Assert.Empty(definitions.Users);
    }

    [Fact]
    public void Two_default_handlers_for_one_app_is_a_problem()
    {
        var problems = Problems(Mutate("users:\n", SecondHandler + "users:\n"));

        Assert.Contains(problems, p => p.Contains("more than one default handler", StringComparison.Ordinal));
    }

    [Fact]
    public void Handler_enabled_for_a_missing_app_is_a_problem()
    {
        var problems = Problems(Mutate("{ clientId: orders-service, default: true, allowUserCreation: true }", "{ clientId: billing-service, default: true }"));

        Assert.Contains(problems, p => p.Contains("billing-service", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_users_with_the_same_federation_id_is_a_problem()
    {
        var problems = Problems(Valid + "  - { id: u-bob, username: bob@example.com, email: bob@example.com, federationId: alice-ext-1 }\n");

        Assert.Contains(problems, p => p.Contains("alice-ext-1", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_users_with_the_same_email_is_a_problem()
    {
        var problems = Problems(Valid + "  - { id: u-bob, username: bob@example.com, email: alice@example.com, federationId: bob-ext-1 }\n");

        Assert.Contains(problems, p => p.Contains("alice@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_apps_with_the_same_client_id_is_a_problem()
    {
        var problems = Problems(Mutate("clientId: reports-service", "clientId: orders-service"));

        Assert.Contains(problems, p => p.Contains("orders-service", StringComparison.Ordinal));
    }

    [Fact]
    public void Symmetric_algorithm_is_a_problem()
    {
        var problems = Problems(Mutate("algorithms: [ES256, RS256]", "algorithms: [ES256, HS256]"));

        Assert.Contains(problems, p => p.Contains("HS256", StringComparison.Ordinal));
    }

    [Fact]
    public void Algorithm_none_is_a_problem()
    {
        var problems = Problems(Mutate("algorithms: [ES256, RS256]", "algorithms: [none]"));

        Assert.Contains(problems, p => p.Contains("'none'", StringComparison.Ordinal));
    }

    [Fact]
    public void Short_secret_is_a_problem()
    {
        var problems = Problems(Mutate(OrdersSecret, "too-short"));

        Assert.Contains(problems, p => p.Contains("clientSecret", StringComparison.Ordinal));
    }

    [Fact]
    public void Short_secret_does_not_appear_in_the_problems()
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Mutate(OrdersSecret, "too-short")));

        Assert.DoesNotContain("too-short", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("five minutes")]
    [InlineData("00:00:00")]
    [InlineData("2.00:00:00")]
    public void Bad_lifetime_is_a_problem(string lifetime)
    {
        var problems = Problems(Mutate("lifetime: 00:05:00", $"lifetime: \"{lifetime}\""));

        Assert.Contains(problems, p => p.Contains("lifetime", StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_clock_skew_is_a_problem()
    {
        var problems = Problems(Mutate("audiences: [token-exchange]", "audiences: [token-exchange]\n    clockSkew: soon"));

        Assert.Contains(problems, p => p.Contains("clockSkew", StringComparison.Ordinal));
    }

    [Fact]
    public void Max_token_lifetime_defaults_to_a_day_and_authorized_parties_to_none()
    {
        var handler = Assert.Single(ConfigLoader.Parse(Valid).Handlers);

        Assert.Equal(TimeSpan.FromDays(1), handler.Trust.MaxTokenLifetime);
        Assert.Empty(handler.Trust.AuthorizedParties);
    }

    [Fact]
    public void Max_token_lifetime_and_authorized_parties_are_loaded()
    {
        var handler = Assert.Single(ConfigLoader.Parse(Mutate("audiences: [token-exchange]", "audiences: [token-exchange]\n    maxTokenLifetime: 02:00:00\n    authorizedParties: [orders-web]")).Handlers);

        Assert.Equal(TimeSpan.FromHours(2), handler.Trust.MaxTokenLifetime);
        Assert.Equal(["orders-web"], handler.Trust.AuthorizedParties);
    }

    [Theory]
    [InlineData("maxTokenLifetime: 00:00:30", "maxTokenLifetime")]
    [InlineData("maxTokenLifetime: 31.00:00:00", "maxTokenLifetime")]
    [InlineData("maxTokenLifetime: forever", "maxTokenLifetime")]
    [InlineData("authorizedParties: ['']", "authorizedParties")]
    public void Bad_max_token_lifetime_or_authorized_parties_are_problems(string line, string expected)
    {
        var problems = Problems(Mutate("audiences: [token-exchange]", "audiences: [token-exchange]\n    " + line));

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_yaml_field_is_a_problem()
    {
        var problems = Problems(Mutate("    allowedScopes: [api]\n", "    allowedScopes: [api]\n    colour: blue\n"));

        Assert.Contains(problems, p => p.Contains("colour", StringComparison.Ordinal));
    }

    [Fact]
    public void Malformed_yaml_is_a_problem()
    {
        Problems("apps: [ { clientId: x");
    }

    [Fact]
    public void Missing_issuer_is_a_problem()
    {
        var problems = Problems(Mutate("    issuer: https://idp.partner.example\n", ""));

        Assert.Contains(problems, p => p.Contains("issuer", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_jwks_is_a_problem()
    {
        var problems = Problems(Mutate("    jwks: { uri: http://127.0.0.1:9999/jwks.json }   # or: jwks: { keys: [ ...inline JWKs... ] }\n", ""));

        Assert.Contains(problems, p => p.Contains("jwks", StringComparison.Ordinal));
    }

    [Fact]
    public void Jwks_uri_that_is_not_http_is_a_problem()
    {
        var problems = Problems(Mutate("uri: http://127.0.0.1:9999/jwks.json", "uri: file:///etc/jwks.json"));

        Assert.Contains(problems, p => p.Contains("jwks", StringComparison.Ordinal));
    }

    [Fact]
    public void No_audiences_is_a_problem()
    {
        var problems = Problems(Mutate("    audiences: [token-exchange]\n", ""));

        Assert.Contains(problems, p => p.Contains("audiences", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_access_token_format_is_a_problem()
    {
        var problems = Problems(Mutate("format: jwt", "format: paseto"));

        Assert.Contains(problems, p => p.Contains("paseto", StringComparison.Ordinal));
    }

    [Fact]
    public void The_opaque_access_token_format_loads()
    {
        var definitions = ConfigLoader.Parse(Mutate("format: jwt", "format: opaque"));

        Assert.Equal("opaque", definitions.Apps[0].AccessToken.Format);
    }

    [Fact]
    public void Unknown_token_type_is_a_problem()
    {
        var problems = Problems(Mutate("acceptedTokenTypes: [access_token, jwt]", "acceptedTokenTypes: [access_token, magic]"));

        Assert.Contains(problems, p => p.Contains("magic", StringComparison.Ordinal));
    }

    [Fact]
    public void Saml2_token_type_for_a_jwt_handler_is_a_problem()
    {
        var problems = Problems(Mutate("acceptedTokenTypes: [access_token, jwt]", "acceptedTokenTypes: [saml2]"));

        Assert.Contains(problems, p => p.Contains("saml2", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_implementation_is_a_problem()
    {
        var problems = Problems(Mutate("implementation: jwt", "implementation: apex"));

        Assert.Contains(problems, p => p.Contains("apex", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("phone")]
    [InlineData("7")]
    [InlineData("\"username, email\"")]
    public void Unknown_user_mapping_attribute_is_a_problem(string attribute)
    {
        var problems = Problems(Mutate("attribute: federationId", $"attribute: {attribute}"));

        Assert.Contains(problems, p => p.Contains("userMapping.attribute", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:05")]
    [InlineData("02:00:00")]
    public void A_jwks_refresh_cooldown_out_of_range_is_a_problem(string cooldown)
    {
        var problems = Problems(Mutate("jwks: { uri: http://127.0.0.1:9999/jwks.json }", $"jwks: {{ uri: http://127.0.0.1:9999/jwks.json, refreshCooldown: \"{cooldown}\" }}"));

        Assert.Contains(problems, p => p.Contains("refreshCooldown", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var yaml = Mutate("format: jwt", "format: paseto").Replace("algorithms: [ES256, RS256]", "algorithms: [HS256]", StringComparison.Ordinal);

        var problems = Problems(yaml);

        Assert.Contains(problems, p => p.Contains("paseto", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("HS256", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_file_is_a_problem()
    {
        var path = Path.Combine(Path.GetTempPath(), "tx-" + Guid.NewGuid().ToString("N") + ".yaml");

        Assert.Throws<ConfigException>(() => ConfigLoader.LoadFile(path));
    }

    [Fact]
    public void Repository_dev_configuration_loads()
    {
        var definitions = ConfigLoader.LoadFile(Path.Combine(RepositoryRoot(), "config", "dev.yaml"));

        Assert.Contains(definitions.Apps, a => a.ClientId == "orders-service");
        Assert.Contains(definitions.Handlers, h => h.Name == "dev-idp" && h.Trust.DevIssuer);
        Assert.Contains(definitions.Handlers, h => h.Name == "partner-idp" && !h.Trust.DevIssuer);
        Assert.NotEmpty(definitions.Users);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cluster.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("repository root (Cluster.sln) not found above " + AppContext.BaseDirectory);
    }
}
