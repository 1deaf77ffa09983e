using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Observability;

/// <summary>
/// With nobody tracing, an exchange over either front door runs without an <see cref="Activity"/>: ASP.NET Core
/// would start one (and a log scope) for every request while its hosting diagnostics category logs at any level
/// (issue 15). Alone in the observability collection, since an activity listener anywhere in the process (another
/// test's tracer) would make ASP.NET Core start them.
/// </summary>
[Collection(ObservabilityCollection.Name)]
public sealed class RequestActivityTests : IServerAddresses
{
    private readonly ConcurrentQueue<(string Path, Activity? Activity)> seen = new();
    private TokenExchangeServer? server;

    public Uri Http => server!.HttpAddress;
    public Uri Grpc => server!.GrpcAddress;

    [Fact]
    public async Task Exchanges_over_HTTP_and_gRPC_start_no_activity_while_nobody_traces()
    {
        server = await LoopbackServer.StartAsync(null, builder => builder.Services.AddTransient<IStartupFilter>(_ => new ActivityRecorder(seen)));
        await using var running = server;
        using var clients = new Clients(this);
        var request = new ExchangeRequest { ClientId = "nobody", ClientSecret = "wrong-secret-0123456789", SubjectToken = "x", SubjectTokenType = Clients.AccessTokenType };

        using var http = await clients.PostToken(request);
        var grpc = await clients.GrpcFailure(request);

        Assert.Equal(HttpStatusCode.Unauthorized, http.StatusCode);
        Assert.Equal("invalid_client", grpc.Code);
        Assert.Contains(seen, s => s.Path.StartsWith("/oauth2/token", StringComparison.Ordinal));
        Assert.Contains(seen, s => s.Path.StartsWith("/tokenexchange.", StringComparison.OrdinalIgnoreCase));
        Assert.All(seen, s => Assert.Null(s.Activity));
    }

    /// <summary>Records, first in the pipeline, the activity current for each request.</summary>
    private sealed class ActivityRecorder(ConcurrentQueue<(string, Activity?)> seen) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, inner) =>
            {
                seen.Enqueue((context.Request.Path.Value ?? "", Activity.Current));
                await inner(context);
            });
            next(app);
        };
    }
}
