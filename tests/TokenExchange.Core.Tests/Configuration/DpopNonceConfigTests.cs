using TokenExchange.Configuration;

namespace TokenExchange.Core.Tests.Configuration;

/// <summary>An app's <c>requireDpopNonce</c>: read from the file, kept in the access token policy, written back only when set.</summary>
public sealed class DpopNonceConfigTests
{
    private static AppModel Model(bool? requireDpopNonce) =>
        new() { ClientId = "mesh", ClientSecret = "mesh-secret-0123456789abcdef", TokenExchange = new() { Enabled = true }, RequireDpopNonce = requireDpopNonce };

    [Fact]
    public void RequireDpopNonce_true_is_the_apps_requirement_and_is_written_back()
    {
        var app = ConfigLoader.ParseApp(Model(true));

        Assert.True(app.RequireDpopNonce);
        Assert.True(app.AccessToken.RequireDpopNonce);
        Assert.False(app.RequireDpop);
        Assert.True(DefinitionDocument.ToModel(app).RequireDpopNonce);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(false)]
    public void Without_it_no_nonce_is_required_and_nothing_is_written(bool? requireDpopNonce)
    {
        var app = ConfigLoader.ParseApp(Model(requireDpopNonce));

        Assert.False(app.RequireDpopNonce);
        Assert.Null(DefinitionDocument.ToModel(app).RequireDpopNonce);
    }

    [Fact]
    public void The_yaml_key_is_requireDpopNonce_next_to_requireDpop()
    {
        var loaded = ConfigLoader.Parse("""
            apps:
              - clientId: mesh
                clientSecret: mesh-secret-0123456789abcdef
                tokenExchange: { enabled: true }
                requireDpop: true
                requireDpopNonce: true
            """);

        var app = Assert.Single(loaded.Apps);
        Assert.True(app.RequireDpop);
        Assert.True(app.RequireDpopNonce);
    }
}
