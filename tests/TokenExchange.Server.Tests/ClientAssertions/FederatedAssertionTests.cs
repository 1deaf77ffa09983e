using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static TokenExchange.Server.Tests.ClientAssertions.ClientAssertionServer;

namespace TokenExchange.Server.Tests.ClientAssertions;

/// <summary>
/// Federated client assertions over both front doors: a Kubernetes projected service account token, its issuer's keys
/// found through OpenID discovery, and a SPIFFE JWT-SVID, its keys from a JWKS URI, authenticate the app whose federated
/// credential names their issuer and subject. A token of another subject or issuer, for another audience, expired,
/// or signed by another key is invalid_client; a reusable token is accepted again, a one-time one is not.
/// </summary>
public sealed class FederatedAssertionTests(ClientAssertionServer fixture) : IClassFixture<ClientAssertionServer>
{
    private static string ClientId(string accessToken) =>
        JsonDocument.Parse(Base64UrlEncoder.Decode(new JsonWebToken(accessToken).EncodedPayload)).RootElement.GetProperty("client_id").GetString()!;

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_projected_service_account_token_authenticates_the_app_that_trusts_its_service_account(string transport)
    {
        var answer = await fixture.Exchange(transport, new("k8s-workload", fixture.ServiceAccountToken()));

        Assert.Null(answer.Code);
        Assert.Equal("k8s-workload", ClientId(answer.AccessToken!));
        Assert.Equal("Bearer", answer.TokenType);
        Assert.True(fixture.Kubernetes.DiscoveryFetches >= 1);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task The_same_projected_token_is_reused_until_it_expires(string transport)
    {
        var token = fixture.ServiceAccountToken();

        Assert.Null((await fixture.Exchange(transport, new("k8s-workload", token))).Code);
        Assert.Null((await fixture.Exchange(transport, new("k8s-workload", token))).Code);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_one_time_credential_refuses_a_token_used_before(string transport)
    {
        var token = fixture.ServiceAccountToken();
        Assert.Null((await fixture.Exchange(transport, new("k8s-once", token))).Code);

        (await fixture.Exchange(transport, new("k8s-once", token))).AssertUnauthenticated(transport);
        await fixture.AssertAudited("federated: jti used before", token);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task Another_service_account_is_refused(string transport)
    {
        (await fixture.Exchange(transport, new("k8s-workload", fixture.ServiceAccountToken("system:serviceaccount:shop:intruder")))).AssertUnauthenticated(transport);
        await fixture.AssertAudited("iss and sub name neither the client nor one of its federated credentials");
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_token_for_another_audience_is_refused(string transport)
    {
        (await fixture.Exchange(transport, new("k8s-workload", fixture.ServiceAccountToken(audience: "https://kubernetes.default.svc")))).AssertUnauthenticated(transport);
        await fixture.AssertAudited("federated: aud names neither");
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task An_expired_token_is_refused(string transport)
    {
        var token = fixture.ServiceAccountToken(now: DateTimeOffset.UtcNow.AddHours(-2), expiresIn: TimeSpan.FromHours(1));

        (await fixture.Exchange(transport, new("k8s-workload", token))).AssertUnauthenticated(transport);
        await fixture.AssertAudited("federated: expired (exp)");
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_token_signed_by_another_key_is_refused(string transport)
    {
        var forged = new Testing.TestIdp(fixture.Kubernetes.Issuer).Token(ServiceAccount, KubernetesAudience);

        (await fixture.Exchange(transport, new("k8s-workload", forged))).AssertUnauthenticated(transport);
        await fixture.AssertAudited("federated: the signature does not verify with the issuer's keys");
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_federated_token_needs_the_client_id(string transport) =>
        (await fixture.Exchange(transport, new("", fixture.ServiceAccountToken()))).AssertUnauthenticated(transport);

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_JWT_SVID_authenticates_the_app_that_trusts_its_SPIFFE_ID(string transport)
    {
        var svid = fixture.Spire.Token(SpiffeId, audience: fixture.Endpoint(transport), expiresIn: TimeSpan.FromMinutes(5));

        var answer = await fixture.Exchange(transport, new("spiffe-workload", svid));

        Assert.Null(answer.Code);
        Assert.Equal("spiffe-workload", ClientId(answer.AccessToken!));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_JWT_SVID_of_another_workload_of_the_trust_domain_is_refused(string transport)
    {
        var svid = fixture.Spire.Token("spiffe://example.org/ns/shop/sa/payments", audience: fixture.Endpoint(transport), expiresIn: TimeSpan.FromMinutes(5));

        (await fixture.Exchange(transport, new("spiffe-workload", svid))).AssertUnauthenticated(transport);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_JWT_SVID_for_another_audience_is_refused(string transport)
    {
        var svid = fixture.Spire.Token(SpiffeId, audience: "spiffe://example.org/ns/other/sa/api", expiresIn: TimeSpan.FromMinutes(5));

        (await fixture.Exchange(transport, new("spiffe-workload", svid))).AssertUnauthenticated(transport);
    }

    [Fact]
    public async Task A_token_that_lives_longer_than_a_day_is_refused()
    {
        (await fixture.Exchange("http", new("k8s-workload", fixture.ServiceAccountToken(expiresIn: TimeSpan.FromHours(25))))).AssertUnauthenticated("http");
        await fixture.AssertAudited("federated: lives longer than 1440 minutes");
    }
}
