using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Plugins;

/// <summary>
/// A partner's token info API on loopback, as the sample handler calls it: <c>good-ID</c> is an active token
/// of partner user ID, anything else is inactive; calls without our API key are refused.
/// </summary>
public sealed class PartnerApi : IAsyncDisposable
{
    public const string ApiKey = "partner-api-key-0123456789";

    private readonly WebApplication app;

    private PartnerApi(WebApplication app) => this.app = app;

    public Uri BaseAddress => new(app.Urls.First());

    public static async Task<PartnerApi> StartAsync()
    {
        var builder = LoopbackWebApp.CreateBuilder();
        var app = builder.Build();
        app.MapPost("/tokeninfo", async (HttpContext http) =>
        {
            if (http.Request.Headers.Authorization.ToString() != "Bearer " + ApiKey) return Results.StatusCode(401);
            var token = (await http.Request.ReadFormAsync())["token"].ToString();
            return token.StartsWith("good-", StringComparison.Ordinal)
                ? Results.Json(new { active = true, partner_user_id = token["good-".Length..], email = $"{token["good-".Length..]}@partner.example", name = "Partner User", tier = "gold", exp = DateTimeOffset.UtcNow.AddMinutes(2).ToUnixTimeSeconds() })
                : Results.Json(new { active = false });
        });
        await app.StartAsync();
        return new PartnerApi(app);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
