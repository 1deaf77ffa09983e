using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TokenExchange.Testing;

/// <summary>A real HTTP listener on loopback that serves a <see cref="TestIdp"/>'s JWKS, counting fetches.</summary>
public sealed class JwksServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private int fetches;

    private JwksServer(WebApplication app) => this.app = app;

    public Uri JwksUri => new(new Uri(app.Urls.First()), "/jwks.json");

    public int Fetches => Volatile.Read(ref fetches);

    /// <summary>When true, the endpoint answers 503, as an IdP that is down.</summary>
    public bool Down { get; set; }

    public static async Task<JwksServer> StartAsync(TestIdp idp)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new JwksServer(app);
        app.MapGet("/jwks.json", () =>
        {
            Interlocked.Increment(ref server.fetches);
            return server.Down ? Results.StatusCode(503) : Results.Text(idp.Jwks(), "application/json");
        });
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
