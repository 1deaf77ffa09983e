using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Adversarial;

/// <summary>An attacker's web server on loopback: it serves its own JWKS on every path and counts each request it gets.</summary>
public sealed class CountingListener : IAsyncDisposable
{
    private readonly WebApplication app;
    private int requests;

    private CountingListener(WebApplication app) => this.app = app;

    public Uri Address => new(app.Urls.First());

    public int Requests => Volatile.Read(ref requests);

    public static async Task<CountingListener> StartAsync(Func<string> body)
    {
        var builder = LoopbackWebApp.CreateBuilder();
        var app = builder.Build();
        var listener = new CountingListener(app);
        app.Run(async context =>
        {
            Interlocked.Increment(ref listener.requests);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body());
        });
        await app.StartAsync();
        return listener;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
