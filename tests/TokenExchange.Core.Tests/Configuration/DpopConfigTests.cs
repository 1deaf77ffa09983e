using TokenExchange.Configuration;

namespace TokenExchange.Core.Tests.Configuration;

/// <summary>An app's <c>requireDpop</c>: read from the file, written back by the admin documents only when set.</summary>
public sealed class DpopConfigTests
{
    private static AppModel Model(bool? requireDpop) => new() { ClientId = "mesh", ClientSecret = "mesh-secret-0123456789abcdef", TokenExchange = new() { Enabled = true }, RequireDpop = requireDpop };

    [Fact]
    public void RequireDpop_true_is_the_apps_requirement_and_is_written_back()
    {
        var app = ConfigLoader.ParseApp(Model(true));

        Assert.True(app.RequireDpop);
        Assert.True(app.AccessToken.RequireDpop);
        Assert.True(DefinitionDocument.ToModel(app).RequireDpop);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(false)]
    public void Without_it_no_proof_is_required_and_nothing_is_written(bool? requireDpop)
    {
        var app = ConfigLoader.ParseApp(Model(requireDpop));

        Assert.False(app.RequireDpop);
        Assert.Null(DefinitionDocument.ToModel(app).RequireDpop);
    }

    [Fact]
    public void The_yaml_key_is_requireDpop()
    {
        var loaded = ConfigLoader.Parse("""
            apps:
              - clientId: mesh
                clientSecret: mesh-secret-0123456789abcdef
                tokenExchange: { enabled: true }
                requireDpop: true
            """);

        Assert.True(Assert.Single(loaded.Apps).RequireDpop);
    }
}
