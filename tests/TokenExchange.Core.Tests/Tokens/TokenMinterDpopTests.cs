using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Core.Tests.Exchange.Rules;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Tokens;

namespace TokenExchange.Core.Tests.Tokens;

/// <summary><see cref="TokenMinter"/> binding access tokens to a DPoP key (RFC 9449 section 6.1) and to a certificate (RFC 8705).</summary>
public sealed class TokenMinterDpopTests
{
    private static readonly UserRecord Alice = new() { Id = "u-alice" };
    private readonly TokenMinter minter = new(new FixedKeys(new SigningKeyRing([SigningKey.Generate()])), new ClusterIssuer("https://tx.test"),
        new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero)));

    private static JsonElement Payload(string token) => JsonDocument.Parse(Base64UrlEncoder.Decode(new JsonWebToken(token).EncodedPayload)).RootElement;

    [Fact]
    public void A_DPoP_bound_token_names_the_keys_thumbprint_in_cnf_jkt_and_is_of_type_DPoP()
    {
        var tokens = minter.Mint(RuleFixtures.Authorized() with { DpopThumbprint = "thumb" }, Alice, subjectExpires: null);

        Assert.Equal("DPoP", tokens.TokenType);
        var cnf = Payload(tokens.AccessToken).GetProperty("cnf");
        Assert.Equal("thumb", cnf.GetProperty("jkt").GetString());
        Assert.False(cnf.TryGetProperty("x5t#S256", out _));
    }

    [Fact]
    public void A_token_bound_to_both_a_certificate_and_a_DPoP_key_names_both()
    {
        var tokens = minter.Mint(RuleFixtures.Authorized() with { DpopThumbprint = "thumb", CertificateThumbprint = "cert" }, Alice, subjectExpires: null);

        var cnf = Payload(tokens.AccessToken).GetProperty("cnf");
        Assert.Equal("thumb", cnf.GetProperty("jkt").GetString());
        Assert.Equal("cert", cnf.GetProperty("x5t#S256").GetString());
        Assert.Equal("DPoP", tokens.TokenType);
    }

    [Fact]
    public void A_certificate_bound_token_has_no_jkt_and_stays_Bearer()
    {
        var tokens = minter.Mint(RuleFixtures.Authorized() with { CertificateThumbprint = "cert" }, Alice, subjectExpires: null);

        var cnf = Payload(tokens.AccessToken).GetProperty("cnf");
        Assert.False(cnf.TryGetProperty("jkt", out _));
        Assert.Equal("Bearer", tokens.TokenType);
    }

    [Fact]
    public void An_unbound_token_has_no_cnf_and_is_Bearer()
    {
        var tokens = minter.Mint(RuleFixtures.Authorized(), Alice, subjectExpires: null);

        Assert.False(Payload(tokens.AccessToken).TryGetProperty("cnf", out _));
        Assert.Equal("Bearer", tokens.TokenType);
    }

    [Fact]
    public void An_ID_token_asked_for_as_the_issued_token_stays_N_A_with_a_proof()
    {
        var exchange = RuleFixtures.Authorized() with { DpopThumbprint = "thumb", RequestedTokenType = TokenTypes.IdToken, Scopes = ["openid"] };

        Assert.Equal("N_A", minter.Mint(exchange, Alice, subjectExpires: null).TokenType);
    }

    private sealed class FixedKeys(SigningKeyRing ring) : ISigningKeySource
    {
        public SigningKeyRing Ring => ring;
    }
}
