using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>
/// The exchange's own paths authenticate their clients themselves (client_secret, mTLS): ASP.NET Core's authentication
/// (the Setup sign-in cookie) and authorization run on every other path and never on theirs, where they would create a
/// cookie handler, read the cookie and fill a request dictionary on every exchange (issue 15).
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

    [Fact]
    public async Task Exchanges_over_HTTP_and_gRPC_skip_the_authorization_middleware_and_the_dashboard_still_demands_a_sign_in()
    {
        var authorizedPaths = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        server = await LoopbackServer.StartAsync(null, builder => builder.Services.AddSingleton<IStartupFilter>(new AuthorizationRecorder(authorizedPaths)));
        await using var running = server;
        using var clients = new Clients(this);

        using var token = await clients.PostToken(new ExchangeRequest { ClientId = "nobody", ClientSecret = "wrong-secret-0123456789", SubjectToken = "x", SubjectTokenType = Clients.AccessTokenType });
        await Assert.ThrowsAsync<RpcException>(async () => await clients.Grpc.ExchangeAsync(
            new ExchangeRequest { ClientId = "nobody", ClientSecret = "wrong-secret-0123456789", SubjectToken = "x", SubjectTokenType = Clients.AccessTokenType }));
        using var discovery = await clients.Http.GetAsync(new Uri("/.well-known/openid-configuration", UriKind.Relative));
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Http };
        using var dashboard = await noRedirects.GetAsync(new Uri("/dashboard/", UriKind.Relative));

        Assert.False(authorizedPaths.GetValueOrDefault("/oauth2/token", true));
        Assert.False(authorizedPaths.GetValueOrDefault("/tokenexchange.v1.TokenExchange/Exchange", true));
        Assert.True(authorizedPaths.GetValueOrDefault("/.well-known/openid-configuration"));
        Assert.True(authorizedPaths.GetValueOrDefault("/dashboard/"));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, dashboard.StatusCode);
        Assert.StartsWith("/setup/signin", dashboard.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    /// <summary>
    /// Notes, by request path, whether ASP.NET Core's authorization middleware ran for the request's endpoint: it leaves
    /// this key in the request's items, which the endpoint middleware reads to refuse an endpoint with a policy it did not check.
    /// </summary>
    private sealed class AuthorizationRecorder(ConcurrentDictionary<string, bool> byPath) : IStartupFilter
    {
        private const string InvokedKey = "__AuthorizationMiddlewareWithEndpointInvoked";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, inner) =>
            {
                await inner(context);
                byPath[context.Request.Path.Value ?? ""] = context.Items.ContainsKey(InvokedKey);
            });
            next(app);
        };
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
