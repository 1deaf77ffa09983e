using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests;

/// <summary>
/// A downstream service as a mesh runs it: ASP.NET Core's JwtBearer fed only by the cluster's discovery
/// document (and through it, JWKS). Its one endpoint answers the caller's sub, client_id and scope.
/// </summary>
public sealed class DownstreamApi : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpClient http;

    private DownstreamApi(WebApplication app)
    {
        this.app = app;
        http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    public static async Task<DownstreamApi> StartAsync(string issuer, string audience)
    {
        var builder = LoopbackWebApp.CreateBuilder();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.Authority = issuer;
            options.RequireHttpsMetadata = false;
            options.MapInboundClaims = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidAudience = audience,
                ValidTypes = ["at+jwt"],
            };
        });
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/whoami", (HttpContext http) => Results.Json(new
        {
            sub = http.User.FindFirst("sub")?.Value,
            client_id = http.User.FindFirst("client_id")?.Value,
            scope = http.User.FindFirst("scope")?.Value,
        })).RequireAuthorization();
        await app.StartAsync();
        return new DownstreamApi(app);
    }

    public Task<HttpResponseMessage> WhoAmI(string accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        request.Headers.Authorization = new("Bearer", accessToken);
        return http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await app.DisposeAsync();
    }
}
