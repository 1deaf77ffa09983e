using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

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
        var builder = LoopbackWebApp.CreateBuilder();
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
