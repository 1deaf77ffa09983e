using TokenExchange.Definitions;
using TokenExchange.Server.Setup.Pages;

namespace TokenExchange.Server.Tests.Setup;

/// <summary>The Setup page's app form shows whether an app requires DPoP, sets and clears it, and an edit of anything else keeps it.</summary>
public sealed class AppFormDpopTests
{
    private static readonly AppDefinition Mesh = new()
    {
        ClientId = "mesh-gateway",
        SecretHashes = [TokenExchange.Clients.ClientSecretHasher.Hash("mesh-gateway-secret-0123456789abcdef")],
        TokenExchangeEnabled = true,
        AccessToken = new AccessTokenPolicy { Lifetime = TimeSpan.FromMinutes(2), RequireDpop = true },
    };

    [Fact]
    public void The_form_shows_the_requirement_and_an_unrelated_edit_keeps_it()
    {
        var form = AppForm.From(Mesh);
        form.Label = "Mesh gateway";

        var edited = form.ToApp(Mesh);

        Assert.True(form.RequireDpop);
        Assert.True(edited.RequireDpop);
        Assert.Same(Mesh.AccessToken, edited.AccessToken);
    }

    [Fact]
    public void Unticking_it_clears_the_requirement_and_keeps_the_rest_of_the_policy()
    {
        var form = AppForm.From(Mesh);
        form.RequireDpop = false;

        var edited = form.ToApp(Mesh);

        Assert.False(edited.RequireDpop);
        Assert.Equal(TimeSpan.FromMinutes(2), edited.AccessToken.Lifetime);
    }

    [Fact]
    public void A_new_app_may_require_it()
    {
        var form = new AppForm { ClientId = "new-mesh-app", RequireDpop = true };

        Assert.True(form.ToNewApp("new-mesh-app-secret-0123456789abcdef").RequireDpop);
    }
}
