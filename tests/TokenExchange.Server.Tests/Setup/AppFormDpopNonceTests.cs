using TokenExchange.Definitions;
using TokenExchange.Server.Setup.Pages;

namespace TokenExchange.Server.Tests.Setup;

/// <summary>The Setup page's app form shows whether an app's DPoP proofs must carry the server's nonce, sets and clears it, and other edits keep it.</summary>
public sealed class AppFormDpopNonceTests
{
    private static readonly AppDefinition Mesh = new()
    {
        ClientId = "mesh-gateway",
        SecretHashes = [TokenExchange.Clients.ClientSecretHasher.Hash("mesh-gateway-secret-0123456789abcdef")],
        TokenExchangeEnabled = true,
        AccessToken = new AccessTokenPolicy { Lifetime = TimeSpan.FromMinutes(2), RequireDpop = true, RequireDpopNonce = true },
    };

    [Fact]
    public void The_form_shows_the_requirement_and_unrelated_edits_keep_it()
    {
        var form = AppForm.From(Mesh);
        form.Label = "Mesh gateway";
        var relabelled = form.ToApp(Mesh);
        form.RequireDpop = false;
        var dpopCleared = form.ToApp(Mesh);

        Assert.True(form.RequireDpopNonce);
        Assert.Same(Mesh.AccessToken, relabelled.AccessToken);
        Assert.True(dpopCleared.RequireDpopNonce);
        Assert.False(dpopCleared.RequireDpop);
    }

    [Fact]
    public void Unticking_it_clears_the_requirement_alone()
    {
        var form = AppForm.From(Mesh);
        form.RequireDpopNonce = false;

        var edited = form.ToApp(Mesh);

        Assert.False(edited.RequireDpopNonce);
        Assert.True(edited.RequireDpop);
        Assert.Equal(TimeSpan.FromMinutes(2), edited.AccessToken.Lifetime);
    }

    [Fact]
    public void A_new_app_may_require_it() =>
        Assert.True(new AppForm { ClientId = "new-mesh-app", RequireDpopNonce = true }.ToNewApp("new-mesh-app-secret-0123456789abcdef").RequireDpopNonce);
}
