using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>
/// The exchange's own paths authenticate their clients themselves (client_secret, mTLS): ASP.NET Core's authentication
/// (the Setup sign-in cookie) runs on every other path and never on theirs, where it would create a cookie handler and
/// read the cookie on every exchange (issue 15).
/// </summary>
public sealed class ExchangePathAuthenticationTests : IServerAddresses
{
    private readonly ConcurrentDictionary<string, int> handlersByPath = new(StringComparer.Ordinal);
    private TokenExchangeServer? server;

    public Uri Http => server!.HttpAddress;
    public Uri Grpc => server!.GrpcAddress;

    [Fact]
    public async Task Exchanges_over_HTTP_and_gRPC_run_no_authentication_handler_and_other_paths_do()
    {
        server = await LoopbackServer.StartAsync(null, builder => builder.Services.AddScoped<IAuthenticationHandlerProvider>(services =>
            new CountingHandlerProvider(new AuthenticationHandlerProvider(services.GetRequiredService<IAuthenticationSchemeProvider>()), handlersByPath)));
        await using var running = server;
        using var clients = new Clients(this);

        using var token = await clients.PostToken(new ExchangeRequest { ClientId = "nobody", ClientSecret = "wrong-secret-0123456789", SubjectToken = "x", SubjectTokenType = Clients.AccessTokenType });
        var grpc = await Assert.ThrowsAsync<RpcException>(async () => await clients.Grpc.ExchangeAsync(
            new ExchangeRequest { ClientId = "nobody", ClientSecret = "wrong-secret-0123456789", SubjectToken = "x", SubjectTokenType = Clients.AccessTokenType }));
        using var other = await clients.Http.GetAsync(new Uri("/.well-known/openid-configuration", UriKind.Relative));

        Assert.False(token.IsSuccessStatusCode);
        Assert.NotEqual(StatusCode.OK, grpc.StatusCode);
        Assert.DoesNotContain(handlersByPath.Keys, path => path.StartsWith("/oauth2/token", StringComparison.Ordinal) || path.StartsWith("/tokenexchange.", StringComparison.OrdinalIgnoreCase));
        Assert.True(handlersByPath.GetValueOrDefault("/.well-known/openid-configuration") > 0, string.Join(", ", handlersByPath.Keys));
    }

    /// <summary>Counts, by request path, the authentication handlers asked for.</summary>
    private sealed class CountingHandlerProvider(AuthenticationHandlerProvider inner, ConcurrentDictionary<string, int> byPath) : IAuthenticationHandlerProvider
    {
        public Task<IAuthenticationHandler?> GetHandlerAsync(HttpContext context, string authenticationScheme)
        {
            byPath.AddOrUpdate(context.Request.Path.Value ?? "", 1, (_, count) => count + 1);
            return inner.GetHandlerAsync(context, authenticationScheme);
        }
    }
}
