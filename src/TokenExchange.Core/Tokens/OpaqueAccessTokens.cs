using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Sessions;

namespace TokenExchange.Tokens;

/// <summary>
/// An app whose policy says <c>format: opaque</c> gets a random handle instead of the JWT: the JWT's
/// claims are recorded under the handle's hash (what introspection answers), and the JWT is discarded.
/// </summary>
public static class OpaqueAccessTokens
{
    public const string Format = "opaque";

    public static string HandleKey(string token) => "at/" + OpaqueTokens.Hash(token);

    /// <summary>A ValueTask: most apps issue JWTs, answered without a task allocated on every exchange (issue 15).</summary>
    public static async ValueTask<IssuedTokens> ApplyPolicyAsync(IssuedTokens tokens, AppDefinition app, string userId, SessionKeyUtf8 sessionKey, IOpaqueTokenStore store, CancellationToken cancellationToken = default)
    {
        if (app.AccessToken.Format != Format || !Proofs.DpopBinding.IsAccessTokenType(tokens.TokenType)) return tokens;
        var jwt = new JsonWebToken(tokens.AccessToken);
        var claims = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        var handle = OpaqueTokens.New();
        await store.StoreAsync(HandleKey(handle), new OpaqueAccessToken(claims, app.ClientId, userId,
            new DateTimeOffset(jwt.IssuedAt, TimeSpan.Zero), new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), SessionKey: sessionKey.ToString()), cancellationToken).ConfigureAwait(false);
        return tokens with { AccessToken = handle };
    }
}
