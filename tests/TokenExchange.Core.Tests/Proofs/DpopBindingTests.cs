using TokenExchange.Proofs;

namespace TokenExchange.Core.Tests.Proofs;

/// <summary><see cref="DpopBinding"/>: the token_type introspection answers.</summary>
public sealed class DpopBindingTests
{
    [Theory]
    [InlineData("""{"sub":"u","cnf":{"jkt":"abc"}}""", "DPoP")]
    [InlineData("""{"sub":"u","cnf":{"jkt":"abc","x5t#S256":"def"}}""", "DPoP")]
    [InlineData("""{"sub":"u","cnf":{"x5t#S256":"def"}}""", "Bearer")]
    [InlineData("""{"sub":"u","cnf":"jkt"}""", "Bearer")]
    [InlineData("""{"sub":"u","jkt":"abc"}""", "Bearer")]
    [InlineData("""{"sub":"u"}""", "Bearer")]
    public void Bound_tokens_are_DPoP_others_Bearer(string claims, string tokenType) => Assert.Equal(tokenType, DpopBinding.TokenType(claims));

    [Theory]
    [InlineData("Bearer", true)]
    [InlineData("DPoP", true)]
    [InlineData("N_A", false)]
    [InlineData("bearer", false)]
    public void Access_token_types(string tokenType, bool isAccessToken) => Assert.Equal(isAccessToken, DpopBinding.IsAccessTokenType(tokenType));
}
