using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Tokens;

/// <summary>Opaque tokens (refresh tokens): 256 random bits, stored and looked up only by their SHA-256.</summary>
public static class OpaqueTokens
{
    public static string New() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string RefreshHandleKey(string token) => "rt/" + Hash(token);
}
