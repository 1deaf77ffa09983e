using TokenExchange.Configuration;

namespace TokenExchange.Core.Tests.Configuration;

/// <summary>Apply documents may refer to definitions the cluster has; each definition is still checked.</summary>
public sealed class ConfigLoaderDocumentTests
{
    private const string HandlerForAnAppNotInTheDocument = """
        handlers:
          - { name: h, devIssuer: true, acceptedTokenTypes: [jwt], audiences: [tx], apps: [ { clientId: existing-app, default: true } ] }
        """;

    [Fact]
    public void A_document_may_enable_a_handler_for_an_app_it_does_not_declare()
    {
        var document = ConfigLoader.ParseDocument(HandlerForAnAppNotInTheDocument);

        Assert.Equal("existing-app", document.Handlers.Single().Enablements.Single().ClientId);
    }

    [Fact]
    public void A_whole_configuration_may_not()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(HandlerForAnAppNotInTheDocument));

        Assert.Contains(e.Problems, p => p.Contains("existing-app", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_definition_of_a_document_is_still_checked()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseDocument("""
            apps:
              - { clientId: a, clientSecret: short, tokenExchange: { enabled: true } }
            """));

        Assert.Contains(e.Problems, p => p.Contains("clientSecret", StringComparison.Ordinal));
    }

    [Fact]
    public void Admin_keys_are_read_and_hashed()
    {
        var definitions = ConfigLoader.Parse("admin: { key: an-admin-key-of-enough-length-000 }");

        Assert.StartsWith("sha256:", definitions.AdminKeyHashes.Single());
        Assert.DoesNotContain("an-admin-key", definitions.AdminKeyHashes.Single());
    }
}
