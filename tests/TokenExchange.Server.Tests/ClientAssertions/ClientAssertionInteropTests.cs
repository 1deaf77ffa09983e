using System.Security.Cryptography;
using Duende.IdentityModel.Client;
using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Server.Tests.ClientAssertions;

/// <summary>
/// Interop: a <c>private_key_jwt</c> assertion built and signed by jose-jwt (a JOSE library that is not ours nor
/// Microsoft's) and sent by Duende.IdentityModel's token exchange request as its <c>ClientAssertion</c> authenticates the
/// app; Duende's discovery client reads the methods and algorithms.
/// </summary>
public sealed class ClientAssertionInteropTests(ClientAssertionServer fixture) : IClassFixture<ClientAssertionServer>
{
    [Fact]
    public async Task An_assertion_built_by_jose_jwt_and_sent_by_Duende_authenticates_the_app()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var key = (ECDsa)fixture.UriKeys.EcKey.ECDsa;
        var assertion = Jose.JWT.Encode(
            new Dictionary<string, object> { ["iss"] = "pkj-uri", ["sub"] = "pkj-uri", ["aud"] = fixture.TokenEndpoint, ["jti"] = Guid.NewGuid().ToString(), ["iat"] = now, ["exp"] = now + 60 },
            key, Jose.JwsAlgorithm.ES256, extraHeaders: new Dictionary<string, object> { ["kid"] = fixture.UriKeys.EcKey.KeyId! });

        var response = await fixture.Http.RequestTokenExchangeTokenAsync(new TokenExchangeTokenRequest
        {
            Address = fixture.TokenEndpoint,
            ClientId = "pkj-uri",
            ClientAssertion = new ClientAssertion { Type = ClientAssertionServer.JwtBearer, Value = assertion },
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
            SubjectToken = await fixture.SubjectToken(),
            SubjectTokenType = Clients.JwtType,
            Scope = "api",
        });

        Assert.False(response.IsError, response.Error);
        Assert.Equal("Bearer", response.TokenType);
        Assert.NotNull(response.AccessToken);
    }

    [Fact]
    public async Task Duendes_discovery_client_reads_private_key_jwt_and_its_algorithms()
    {
        var discovery = await fixture.Http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = fixture.Server.Issuer,
            Policy = { RequireHttps = false },
        });

        Assert.False(discovery.IsError, discovery.Error);
        Assert.Contains("private_key_jwt", discovery.TokenEndpointAuthenticationMethodsSupported);
        Assert.Contains(SecurityAlgorithms.EcdsaSha256, discovery.TokenEndpointAuthenticationSigningAlgorithmsSupported);
    }
}
