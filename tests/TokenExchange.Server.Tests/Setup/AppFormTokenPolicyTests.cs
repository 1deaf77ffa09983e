using TokenExchange.Definitions;
using TokenExchange.Server.Setup.Pages;

namespace TokenExchange.Server.Tests.Setup;

/// <summary>The Setup page's app form shows an app's introspection audiences and absolute refresh lifetime, and an edit keeps them.</summary>
public sealed class AppFormTokenPolicyTests
{
    private static readonly AppDefinition OrdersApi = new()
    {
        ClientId = "orders-api",
        SecretHashes = [TokenExchange.Clients.ClientSecretHasher.Hash("orders-api-secret-0123456789abcdef")],
        RefreshTokens = new RefreshTokenPolicy { Enabled = true, Lifetime = TimeSpan.FromHours(2), AbsoluteLifetime = TimeSpan.FromDays(7) },
        Introspection = new IntrospectionPolicy { Audiences = ["https://orders.example", "https://orders-v2.example"] },
    };

    [Fact]
    public void The_form_shows_them_and_an_edit_keeps_them()
    {
        var form = AppForm.From(OrdersApi);

        var edited = form.ToApp(OrdersApi);

        Assert.Equal("https://orders.example https://orders-v2.example", form.IntrospectionAudiences);
        Assert.Equal("7.00:00:00", form.RefreshTokenAbsoluteLifetime);
        Assert.Equal(OrdersApi.Introspection.Audiences, edited.Introspection.Audiences);
        Assert.Equal(TimeSpan.FromDays(7), edited.RefreshTokens.AbsoluteLifetime);
        // Posted back unchanged, neither setting is rebuilt: the stored values are kept as they are.
        Assert.Same(OrdersApi.Introspection, edited.Introspection);
        Assert.Same(OrdersApi.RefreshTokens, edited.RefreshTokens);
    }

    [Fact]
    public void An_empty_absolute_lifetime_is_the_default()
    {
        var form = AppForm.From(OrdersApi);
        form.RefreshTokenAbsoluteLifetime = " ";

        Assert.Equal(RefreshTokenPolicy.DefaultAbsoluteLifetime, form.ToApp(OrdersApi).RefreshTokens.AbsoluteLifetime);
    }
}
