using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using TokenExchange.Testing;

namespace TokenExchange.Cli.Tests.Commands.Bench;

/// <summary>A token endpoint that counts the requests it gets and refuses each (invalid_request): where a harness's load went.</summary>
public sealed class CountingTokenEndpoint : IAsyncDisposable
{
    private readonly WebApplication app;
    private int requests;

    private CountingTokenEndpoint(WebApplication app) => this.app = app;

    public int Requests => Volatile.Read(ref requests);

    public string Address => app.Urls.First();

    public static async Task<CountingTokenEndpoint> StartAsync()
    {
        var app = LoopbackWebApp.CreateBuilder().Build();
        var endpoint = new CountingTokenEndpoint(app);
        app.MapPost("/oauth2/token", () =>
        {
            Interlocked.Increment(ref endpoint.requests);
            return Results.Json(new { error = "invalid_request" }, statusCode: StatusCodes.Status400BadRequest);
        });
        await app.StartAsync();
        return endpoint;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
