using System.Security.Cryptography;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Server.Tests.Proofs;

/// <summary>
/// Interop: a DPoP proof built and signed by jose-jwt (a JOSE library that is not ours nor Microsoft's), sent by
/// Duende.IdentityModel's token exchange request (its <c>DPoPProofToken</c>), is accepted and binds the token; the
/// discovery document read by Duende's client lists the proof algorithms.
/// </summary>
public sealed class DpopInteropTests(DpopServer fixture) : IClassFixture<DpopServer>
{
    [Fact]
    public async Task A_proof_built_by_jose_jwt_and_sent_by_Duende_binds_the_token_to_its_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = key.ExportParameters(false);
        var jwk = new Dictionary<string, object> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y) };
        var proof = Jose.JWT.Encode(
            new Dictionary<string, object> { ["jti"] = Guid.NewGuid().ToString(), ["htm"] = "POST", ["htu"] = fixture.TokenEndpoint, ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() },
            key, Jose.JwsAlgorithm.ES256, extraHeaders: new Dictionary<string, object> { ["typ"] = "dpop+jwt", ["jwk"] = jwk });

        var response = await fixture.Http.RequestTokenExchangeTokenAsync(new TokenExchangeTokenRequest
        {
            Address = fixture.TokenEndpoint,
            ClientId = "orders-service",
            ClientSecret = DpopServer.Secret,
            SubjectToken = await fixture.SubjectToken(),
            SubjectTokenType = Clients.JwtType,
            Scope = "api",
            DPoPProofToken = proof,
        });

        Assert.False(response.IsError, response.Error);
        Assert.Equal("DPoP", response.TokenType);
        var expected = Base64UrlEncoder.Encode(new JsonWebKey(JsonSerializer.Serialize(jwk)).ComputeJwkThumbprint());
        var cnf = JsonDocument.Parse(Base64UrlEncoder.Decode(new JsonWebToken(response.AccessToken!).EncodedPayload)).RootElement.GetProperty("cnf");
        Assert.Equal(expected, cnf.GetProperty("jkt").GetString());
    }

    [Fact]
    public async Task Duendes_discovery_client_reads_the_proof_algorithms()
    {
        var discovery = await fixture.Http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = fixture.Server.Issuer,
            Policy = { RequireHttps = false },
        });

        Assert.False(discovery.IsError, discovery.Error);
        Assert.Contains("ES256", discovery.DPoPSigningAlgorithmsSupported);
    }
}
