using TokenExchange.Configuration;
using TokenExchange.Definitions;
using TokenExchange.Handlers;

namespace TokenExchange.Core.Tests.Configuration;

/// <summary>The YAML of linked identities: linkExisting, verifiedClaims, userAttributes; users' keys checked at load.</summary>
public sealed class IdentityConfigTests
{
    private const string Config = """
        apps:
          - clientId: orders-service
            clientSecret: orders-secret-0123456789abcdef
            tokenExchange: { enabled: true }
        handlers:
          - name: partner-idp
            acceptedTokenTypes: [jwt]
            issuer: https://idp.partner.example
            jwks: { uri: https://idp.partner.example/jwks.json }
            audiences: [token-exchange]
            MAPPING
            apps:
              - { clientId: orders-service, default: true, allowUserCreation: true }
        users:
          - { id: u-alice, username: USERNAME, email: alice@example.com, federationId: alice-ext-1 }

        """;

    private static string Yaml(string mapping = "", string username = "alice@example.com") =>
        Config.Replace("MAPPING", mapping, StringComparison.Ordinal).Replace("USERNAME", username, StringComparison.Ordinal);

    private static IReadOnlyList<string> Problems(string yaml) => Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml)).Problems;

    [Fact]
    public void A_mapping_rule_without_link_existing_links_no_existing_user()
    {
        var rule = ConfigLoader.Parse(Yaml("userMapping: { claim: sub, attribute: federationId }")).Handlers[0].UserMapping;

        Assert.False(rule.LinkExisting);
        Assert.Empty(rule.VerifiedClaims);
        Assert.Equal(new UserAttributeClaims(), rule.UserAttributes);
    }

    [Fact]
    public void Link_existing_verified_claims_and_user_attributes_are_loaded()
    {
        var rule = ConfigLoader.Parse(Yaml("""
            userMapping: { claim: upn, attribute: email, linkExisting: true }
                verifiedClaims: [upn, preferred_username]
                userAttributes: { username: preferred_username, email: upn, displayName: name }
            """)).Handlers[0].UserMapping;

        Assert.True(rule.LinkExisting);
        Assert.Equal(("upn", UserField.Email), (rule.Claim, rule.Attribute));
        Assert.Equal(["upn", "preferred_username"], rule.VerifiedClaims);
        Assert.Equal(new UserAttributeClaims { Username = "preferred_username", Email = "upn", DisplayName = "name" }, rule.UserAttributes);
    }

    [Fact]
    public void Empty_claim_names_are_refused()
    {
        var problems = Problems(Yaml("""
            verifiedClaims: [""]
                userAttributes: { username: " " }
            """));

        Assert.Contains("handlers[0].verifiedClaims must not hold empty names", problems);
        Assert.Contains("handlers[0].userAttributes.username must name a claim", problems);
    }

    [Theory]
    [InlineData("\"ali\\u200Bce@example.com\"", "contains an invisible control or format character (U+200B)")]
    [InlineData("p\u0430ypal@example.com", "mixes scripts (Latin+Cyrillic) within one label")]
    public void A_user_whose_username_cannot_be_a_key_is_refused_at_load(string username, string problem)
    {
        Assert.Contains($"user 'u-alice': username {problem}", Problems(Yaml(username: username)));
    }

    [Fact]
    public void Usernames_that_differ_only_by_unicode_spelling_are_one_username()
    {
        var yaml = Yaml(username: "\"jos\\u00E9@example.com\"") + "  - { id: u-jose, username: \"JOSE\\u0301@example.com\" }\n";

        Assert.Contains(Problems(yaml), p => p.StartsWith("more than one user has Username", StringComparison.Ordinal));
    }

    [Fact]
    public void The_dev_configuration_links_existing_users_only_for_the_partner_idp()
    {
        var handlers = ConfigLoader.LoadFile(Path.Combine(RepositoryRoot(), "config", "dev.yaml")).Handlers;

        Assert.True(handlers.Single(h => h.Name == "partner-idp").UserMapping.LinkExisting);
        // Anyone can mint dev tokens: the dev issuer's subjects must never reach a configured user.
        Assert.False(handlers.Single(h => h.Name == "dev-idp").UserMapping.LinkExisting);
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
