using TokenExchange.Exchange;

namespace TokenExchange.Abstractions.Tests.Exchange;

public sealed class TokenTypesTests
{
    [Theory]
    [InlineData("urn:ietf:params:oauth:token-type:jwt", TokenTypes.Jwt)]
    [InlineData("urn:ietf:params:oauth:token-type:JWT", TokenTypes.Jwt)]
    [InlineData("jwt", TokenTypes.Jwt)]
    [InlineData("access_token", TokenTypes.AccessToken)]
    [InlineData("urn:ietf:params:oauth:token-type:id_token", TokenTypes.IdToken)]
    [InlineData("URN:IETF:PARAMS:OAUTH:TOKEN-TYPE:REFRESH_TOKEN", TokenTypes.RefreshToken)]
    [InlineData("saml2", TokenTypes.Saml2)]
    public void Normalizes_urns_and_short_names_case_insensitively(string given, string expected) =>
        Assert.Equal(expected, TokenTypes.Normalize(given));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("urn:ietf:params:oauth:token-type:")]
    [InlineData("urn:example:custom")]
    [InlineData("urn:ietf:params:oauth:token-type:jwt ")]
    public void Unknown_types_are_null(string? given) => Assert.Null(TokenTypes.Normalize(given));
}
