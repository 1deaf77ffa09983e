using System.Text.Json;
using TokenExchange.Abstractions;
using TokenExchange.Sessions;
using TokenExchange.Silo;
using static TokenExchange.Grains.Tests.TestDefinitions;

namespace TokenExchange.Grains.Tests.Silo;

/// <summary>
/// Introspection of refresh tokens on the test cluster: a token whose family is bound to a DPoP key answers its
/// <c>cnf.jkt</c> (RFC 9449 section 6.2), an unbound one none; a session on an older silo, which lacks
/// <see cref="ISubjectSessionGrain.InspectBoundRefreshToken"/>, still answers whether the token is active, as before.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TokenInspectionTests(ClusterFixture cluster)
{
    private const string Thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task A_bound_refresh_token_introspects_with_its_keys_thumbprint(int silo)
    {
        var token = await RefreshToken(Unique("bound"), Thumbprint);

        var claims = await Introspect(silo, token);

        Assert.True((bool)claims["active"]);
        Assert.Equal("refresh_token", claims["token_type"]);
        Assert.Equal(Thumbprint, JsonSerializer.SerializeToElement(claims["cnf"]).GetProperty("jkt").GetString());
    }

    [Fact]
    public async Task An_unbound_refresh_token_introspects_without_cnf()
    {
        var claims = await Introspect(0, await RefreshToken(Unique("unbound"), dpopThumbprint: null));

        Assert.True((bool)claims["active"]);
        Assert.False(claims.ContainsKey("cnf"));
    }

    [Fact]
    public async Task A_session_on_an_older_silo_answers_as_before_without_the_binding()
    {
        var claims = await Introspect(0, await RefreshToken(Unique(OlderSiloGrains.SessionPrefix), Thumbprint));

        Assert.True((bool)claims["active"]);
        Assert.Equal("refresh_token", claims["token_type"]);
        Assert.False(claims.ContainsKey("cnf"));
    }

    [Fact]
    public async Task A_token_that_is_not_current_is_inactive_whatever_its_binding()
    {
        var claims = await Introspect(0, await RefreshToken(Unique("bound-spent"), Thumbprint) + "x");

        Assert.Equal(new Dictionary<string, object> { ["active"] = false }, claims);
    }

    /// <summary>A refresh token of a new family for the subject, bound to the DPoP key of that thumbprint (or unbound).</summary>
    private async Task<string> RefreshToken(string subject, string? dpopThumbprint)
    {
        var session = cluster.Grains.GetGrain<ISubjectSessionGrain>(SubjectSessionKey.For(Partner, "https://idp.test", subject));
        var resolution = await session.ResolveUser(new SubjectUserRequest
        {
            HandlerName = Partner,
            ClientId = Orders,
            AllowUserCreation = true,
            Subject = new ValidatedSubject { Subject = subject, Issuer = "https://idp.test", FederationId = subject, Claims = new Dictionary<string, string> { ["sub"] = subject } },
            Refresh = new RefreshGrant { ClientId = Orders, HandlerName = Partner, Scopes = ["api"], DpopThumbprint = dpopThumbprint },
            RefreshLifetime = TimeSpan.FromHours(1),
            RequestId = Guid.NewGuid().ToString("N"),
        });
        Assert.True(resolution.RefreshToken is not null, resolution.Error?.ToString());
        return resolution.RefreshToken!;
    }

    private async Task<Dictionary<string, object>> Introspect(int silo, string token)
    {
        var (claims, error) = await cluster.Service<TokenInspection>(silo).IntrospectAsync(Orders, Secret, token, "192.0.2.10");
        Assert.Null(error);
        return claims!;
    }
}
