using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Server.Tests.Adversarial;

/// <summary>
/// Attacks on the JOSE header (RFC 8725 section 2): the algorithm, where the key comes from, the kid and
/// crit. Every signature-class refusal carries the one description a tampered signature gets, so the
/// endpoint does not tell an attacker which of its guesses was closest.
/// </summary>
[Collection(AdversarialCollection.Name)]
public sealed class JoseHeaderAttackTests(AdversarialFixture fixture) : IDisposable
{
    private readonly Wire wire = new(fixture);

    [Theory]
    [InlineData(Transport.Http, "none")]
    [InlineData(Transport.Grpc, "none")]
    [InlineData(Transport.Http, "None")]
    [InlineData(Transport.Grpc, "NONE")]
    public async Task An_unsigned_token_is_refused(Transport transport, string alg)
    {
        var unsigned = AttackTokens.Encode(AttackTokens.Header(fixture.Idp.EcKey.KeyId, alg: alg)) + "." + AttackTokens.Encode(AttackTokens.Claims(fixture.Idp)) + ".";
        await AssertSignatureRefusal(transport, unsigned);
    }

    [Theory]
    [InlineData(Transport.Http, "jwks")]
    [InlineData(Transport.Grpc, "jwks")]
    [InlineData(Transport.Http, "pem")]
    [InlineData(Transport.Grpc, "der")]
    public async Task An_hmac_token_keyed_with_the_idps_public_key_is_refused(Transport transport, string encoding)
    {
        var ec = fixture.Idp.EcKey.ECDsa;
        var secret = encoding switch
        {
            "jwks" => Encoding.UTF8.GetBytes(fixture.Idp.Jwks()),
            "pem" => Encoding.ASCII.GetBytes(ec.ExportSubjectPublicKeyInfoPem()),
            _ => ec.ExportSubjectPublicKeyInfo(),
        };
        var token = AttackTokens.Sign(AttackTokens.Header(fixture.Idp.EcKey.KeyId, alg: "HS256"), AttackTokens.Claims(fixture.Idp),
            new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256);
        await AssertSignatureRefusal(transport, token);
    }

    [Theory]
    [InlineData(Transport.Http, SecurityAlgorithms.RsaSha256)]
    [InlineData(Transport.Grpc, SecurityAlgorithms.RsaSha256)]
    [InlineData(Transport.Http, SecurityAlgorithms.RsaSsaPssSha256)]
    [InlineData(Transport.Grpc, SecurityAlgorithms.RsaSsaPssSha256)]
    public async Task A_token_signed_by_the_idps_own_published_rsa_key_is_refused_by_an_es256_only_handler(Transport transport, string alg)
    {
        var token = AttackTokens.Sign(AttackTokens.Header(fixture.Idp.RsaKey.KeyId, alg: alg), AttackTokens.Claims(fixture.Idp), fixture.Idp.RsaKey, alg);
        await AssertSignatureRefusal(transport, token);
    }

    [Theory]
    [InlineData(Transport.Http)]
    [InlineData(Transport.Grpc)]
    public async Task An_es256_header_on_a_token_the_rsa_key_signed_is_refused(Transport transport)
    {
        var header = AttackTokens.Encode(AttackTokens.Header(fixture.Idp.RsaKey.KeyId));
        var payload = AttackTokens.Encode(AttackTokens.Claims(fixture.Idp));
        var signature = fixture.Idp.RsaKey.Rsa.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        await AssertSignatureRefusal(transport, header + "." + payload + "." + Base64UrlEncoder.Encode(signature));
    }

    [Theory]
    [InlineData(Transport.Http, "jku")]
    [InlineData(Transport.Grpc, "jku")]
    [InlineData(Transport.Http, "x5u")]
    [InlineData(Transport.Grpc, "x5u")]
    [InlineData(Transport.Http, "jwk")]
    [InlineData(Transport.Grpc, "jwk")]
    public async Task A_key_the_token_points_at_is_never_used_nor_fetched(Transport transport, string parameter)
    {
        var attackerKey = fixture.Attacker.EcKey;
        object pointer = parameter == "jwk"
            ? new Dictionary<string, string>
            {
                ["kty"] = "EC",
                ["crv"] = "P-256",
                ["kid"] = attackerKey.KeyId,
                ["x"] = Base64UrlEncoder.Encode(attackerKey.ECDsa.ExportParameters(false).Q.X!),
                ["y"] = Base64UrlEncoder.Encode(attackerKey.ECDsa.ExportParameters(false).Q.Y!),
            }
            : new Uri(fixture.AttackerServer.Address, "/.well-known/jwks.json").ToString();
        var token = AttackTokens.Sign(AttackTokens.Header(attackerKey.KeyId, new Dictionary<string, object?> { [parameter] = pointer }),
            AttackTokens.Claims(fixture.Idp), attackerKey, SecurityAlgorithms.EcdsaSha256);

        await AssertSignatureRefusal(transport, token);
        Assert.Equal(0, fixture.AttackerServer.Requests);
    }

    [Theory]
    [InlineData(Transport.Http, "huge")]
    [InlineData(Transport.Grpc, "huge")]
    [InlineData(Transport.Http, "path")]
    [InlineData(Transport.Grpc, "path")]
    [InlineData(Transport.Http, "unknown")]
    [InlineData(Transport.Grpc, "control characters")]
    public async Task A_kid_the_idp_does_not_publish_is_refused_even_on_a_correctly_signed_token(Transport transport, string kind)
    {
        var kid = kind switch
        {
            "huge" => new string('k', 10 * 1024),
            "path" => "../../../../etc/passwd",
            "control characters" => "kid\r\nINFO forged log line\u001b[31m",
            _ => "unknown-" + Guid.NewGuid().ToString("N"),
        };
        var token = AttackTokens.Sign(AttackTokens.Header(kid), AttackTokens.Claims(fixture.Idp), fixture.Idp.EcKey, SecurityAlgorithms.EcdsaSha256);
        await AssertSignatureRefusal(transport, token);
    }

    [Theory]
    [InlineData(Transport.Http)]
    [InlineData(Transport.Grpc)]
    public async Task A_flood_of_unknown_kids_is_not_a_flood_of_jwks_fetches(Transport transport)
    {
        await wire.Exchanged(transport, fixture.Request());   // keys are loaded
        var before = fixture.Jwks.Fetches;

        for (var batch = 0; batch < 10; batch++)
        {
            await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => wire.Refused(transport, fixture.Request(
                AttackTokens.Sign(AttackTokens.Header("flood-" + Guid.NewGuid().ToString("N")), AttackTokens.Claims(fixture.Idp), fixture.Idp.EcKey, SecurityAlgorithms.EcdsaSha256)),
                "invalid_request")));
        }

        // The handler's refreshCooldown is an hour: 200 unknown kids may cause at most the one refresh it allows.
        Assert.InRange(fixture.Jwks.Fetches - before, 0, 1);
        await wire.Exchanged(transport, fixture.Request());
    }

    // Found by the property tests: some shapes made IdentityModel throw a raw FormatException, a 500.
    [Theory]
    [InlineData(Transport.Http, "A._.")]
    [InlineData(Transport.Grpc, "A._.")]
    public async Task A_token_with_a_segment_that_is_not_base64url_is_malformed(Transport transport, string splice)
    {
        var token = fixture.Idp.Token();
        var at = token.IndexOf('.');
        var description = await wire.Refused(transport, fixture.Request(token[..at] + splice + token[at..]), "invalid_request");
        Assert.Contains("well-formed", description);
    }

    // A header whose typ holds bytes that are no UTF-8: the check for disguised transaction tokens unescaped it and
    // threw, an exception no rule expected (server_error).
    [Theory]
    [InlineData(Transport.Http)]
    [InlineData(Transport.Grpc)]
    public async Task A_header_whose_typ_is_not_utf8_is_refused_as_an_invalid_request(Transport transport)
    {
        var header = Encoding.UTF8.GetBytes($$"""{"alg":"ES256","kid":"{{fixture.Idp.EcKey.KeyId}}","typ":"JWT"}""");
        header[header.Length - 3] = 0xFF; // the T of JWT, inside the typ string: no UTF-8 sequence starts with 0xFF
        var token = fixture.Idp.Token();
        await wire.Refused(transport, fixture.Request(Base64UrlEncoder.Encode(header) + token[token.IndexOf('.')..]), "invalid_request");
    }

    [Theory]
    [InlineData(Transport.Http)]
    [InlineData(Transport.Grpc)]
    public async Task A_critical_header_extension_is_refused(Transport transport)
    {
        var token = AttackTokens.FromIdp(fixture.Idp, header: new Dictionary<string, object?> { ["crit"] = new[] { "urn:example:binding" }, ["urn:example:binding"] = "bound" });
        var description = await wire.Refused(transport, fixture.Request(token), "invalid_request");
        Assert.Contains("critical header", description);
    }

    [Theory]
    [InlineData(Transport.Http)]
    [InlineData(Transport.Grpc)]
    public async Task The_same_token_correctly_signed_is_accepted(Transport transport)
    {
        var response = await wire.Exchanged(transport, fixture.Request(AttackTokens.FromIdp(fixture.Idp)));
        Assert.NotEmpty(response.AccessToken);
    }

    private async Task AssertSignatureRefusal(Transport transport, string token)
    {
        var description = await wire.Refused(transport, fixture.Request(token), "invalid_request");
        Assert.Equal(await TamperedSignatureDescription(transport), description);
    }

    private Task<string> TamperedSignatureDescription(Transport transport) =>
        wire.Refused(transport, fixture.Request(fixture.Idp.TamperedToken()), "invalid_request");

    public void Dispose() => wire.Dispose();
}
