using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.EndToEnd;

/// <summary>
/// An IdP's RFC 7662 introspection endpoint on loopback: <c>active-SUB</c> is an active token of subject SUB
/// (expiring in two minutes), anything else inactive; calls without our client credentials are refused.
/// <c>/slow</c> answers only after ten seconds; <c>/userinfo</c> is its OIDC userinfo endpoint. Counts calls per token.
/// </summary>
public sealed class IntrospectionIdp : IAsyncDisposable
{
    public const string ClientId = "token-exchange";
    public const string ClientSecret = "introspection-secret-0123456789";
    public const string Issuer = "https://opaque-idp.example";

    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, int> calls;

    private IntrospectionIdp(WebApplication app, ConcurrentDictionary<string, int> calls)
    {
        this.app = app;
        this.calls = calls;
    }

    public Uri BaseAddress => new(app.Urls.First());

    /// <summary>How many times the endpoints were asked about a token.</summary>
    public int Calls(string token) => calls.GetValueOrDefault(token);

    public static async Task<IntrospectionIdp> StartAsync()
    {
        var calls = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var builder = LoopbackWebApp.CreateBuilder();
        var app = builder.Build();
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{ClientSecret}"));

        app.MapPost("/introspect", async (HttpContext http) =>
        {
            if (http.Request.Headers.Authorization.ToString() != basic) return Results.StatusCode(401);
            var form = await http.Request.ReadFormAsync();
            if (form["token_type_hint"] != "access_token") return Results.BadRequest();
            return Answer(form["token"].ToString(), calls);
        });
        app.MapPost("/slow", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            calls.AddOrUpdate(form["token"].ToString(), 1, (_, n) => n + 1);
            await Task.Delay(TimeSpan.FromSeconds(10), http.RequestAborted);
            return Results.Json(new { active = true, sub = "slow" });
        });
        app.MapGet("/userinfo", (HttpContext http) =>
        {
            var authorization = http.Request.Headers.Authorization.ToString();
            if (!authorization.StartsWith("Bearer active-", StringComparison.Ordinal))
            {
                calls.AddOrUpdate(authorization, 1, (_, n) => n + 1);
                return Results.StatusCode(401);
            }
            var token = authorization["Bearer ".Length..];
            calls.AddOrUpdate(token, 1, (_, n) => n + 1);
            return Results.Json(new { sub = token["active-".Length..], name = "Userinfo User" });
        });
        await app.StartAsync();
        return new IntrospectionIdp(app, calls);
    }

    private static IResult Answer(string token, ConcurrentDictionary<string, int> calls)
    {
        calls.AddOrUpdate(token, 1, (_, n) => n + 1);
        if (!token.StartsWith("active-", StringComparison.Ordinal)) return Results.Json(new { active = false });
        var subject = token["active-".Length..];
        return Results.Json(new
        {
            active = true,
            sub = subject,
            iss = Issuer,
            client_id = "some-client",
            scope = "api",
            name = $"User {subject}",
            exp = DateTimeOffset.UtcNow.AddMinutes(2).ToUnixTimeSeconds(),
        });
    }

    /// <summary>A loopback URL nothing listens on.</summary>
    public static Uri Unreachable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/introspect");
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
