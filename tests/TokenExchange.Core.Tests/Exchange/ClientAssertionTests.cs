using Microsoft.IdentityModel.Tokens;
using TokenExchange.Exchange;

namespace TokenExchange.Core.Tests.Exchange;

/// <summary>The presented assertion: the client id a request without one names through it, and a ToString that never holds the token.</summary>
public sealed class ClientAssertionTests
{
    private static string Jwt(string payload) => "eyJhbGciOiJFUzI1NiJ9." + Base64UrlEncoder.Encode(payload) + ".c2ln";

    [Fact]
    public void The_subject_names_the_client() => Assert.Equal("orders", ClientAssertion.ImpliedClientId(Jwt("""{"iss":"orders","sub":"orders"}""")));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("a.!!!.c")]
    public void What_is_no_JWT_names_none(string? token) => Assert.Null(ClientAssertion.ImpliedClientId(token));

    [Theory]
    [InlineData("""{"iss":"orders"}""")]
    [InlineData("""{"sub":""}""")]
    [InlineData("""{"sub":7}""")]
    [InlineData("""["sub"]""")]
    [InlineData("""{"sub":""")]
    public void A_payload_without_a_string_sub_names_none(string payload) => Assert.Null(ClientAssertion.ImpliedClientId(Jwt(payload)));

    [Fact]
    public void Invalid_UTF8_names_none() =>
        Assert.Null(ClientAssertion.ImpliedClientId("e30." + Base64UrlEncoder.Encode([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) + ".c2ln"));

    [Fact]
    public void An_overlong_token_is_not_read()
    {
        var token = Jwt("""{"sub":"orders","pad":""" + "\"" + new string('x', ClientAssertion.MaxLength) + "\"}");

        Assert.Null(ClientAssertion.ImpliedClientId(token));
    }

    [Fact]
    public void Its_text_holds_no_token()
    {
        var token = Jwt("""{"sub":"orders"}""");

        var text = new ClientAssertion(ClientAssertion.JwtBearer, token, ["https://tx.example"]).ToString();

        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        Assert.Contains("redacted", text, StringComparison.Ordinal);
        Assert.DoesNotContain(token, new ExchangeRequest { ClientAssertion = new(ClientAssertion.JwtBearer, token, []) }.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(token, new RefreshRequest { ClientAssertion = new(ClientAssertion.JwtBearer, token, []) }.ToString(), StringComparison.Ordinal);
    }
}
