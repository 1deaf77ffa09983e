using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TokenExchange.Testing;

/// <summary>
/// A workload identity issuer on loopback, as a Kubernetes API server publishes its service account token keys: an
/// OpenID discovery document at <c>/.well-known/openid-configuration</c> naming itself as issuer and its
/// <c>jwks_uri</c>, and that JWKS. Its <see cref="Idp"/> (whose issuer is this server's URL) signs the tokens.
/// </summary>
public sealed class OidcIssuerServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private int discoveryFetches;

    private OidcIssuerServer(WebApplication app) => this.app = app;

    public TestIdp Idp { get; private set; } = null!;

    public string Issuer => Idp.Issuer;

    public int DiscoveryFetches => Volatile.Read(ref discoveryFetches);

    public static async Task<OidcIssuerServer> StartAsync()
    {
        var builder = LoopbackWebApp.CreateBuilder();
        var app = builder.Build();
        var server = new OidcIssuerServer(app);
        app.MapGet("/.well-known/openid-configuration", () =>
        {
            Interlocked.Increment(ref server.discoveryFetches);
            return Results.Json(new Dictionary<string, object> { ["issuer"] = server.Issuer, ["jwks_uri"] = server.Issuer + "/openid/v1/jwks" });
        });
        app.MapGet("/openid/v1/jwks", () => Results.Text(server.Idp.Jwks(), "application/json"));
        await app.StartAsync();
        server.Idp = new TestIdp(app.Urls.First().TrimEnd('/'));
        return server;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
