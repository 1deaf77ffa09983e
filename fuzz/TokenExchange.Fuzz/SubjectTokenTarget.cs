using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Core.Handlers;
using TokenExchange.Exchange;

namespace TokenExchange.Fuzz;

/// <summary>
/// The jwt handler's subject token validation (<see cref="JwtSubjectTokenValidator.ValidateAsync"/>) with a
/// fixed trust configuration, key and clock. The first byte picks the declared token type (bits 1-2) and
/// the mode (bit 0):
/// <list type="bullet">
/// <item>0, raw: the rest is the token string, as a client sends it;</item>
/// <item>1, signed: the rest is a JOSE header, a newline, and a payload, signed here with the trusted key,
/// so inputs get past the signature to the issuer, audience, lifetime, azp and type rules.</item>
/// </list>
/// Promises: no exception; a refusal is invalid_request with a clean description; an accepted token has
/// the trusted issuer, a subject and an expiry.
/// </summary>
public sealed class SubjectTokenTarget : IFuzzTarget
{
    public const string Issuer = "https://idp.fuzz.example";
    public const string Audience = "token-exchange";
    public const string KeyId = "fuzz-key";
    public const string AuthorizedParty = "fuzz-client";

    /// <summary>Fixed, so a replayed input meets the same clock: 2026-01-01T00:00:00Z (NumericDate 1767225600).</summary>
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] DeclaredTypes = [TokenTypes.AccessToken, TokenTypes.IdToken, TokenTypes.Jwt, TokenTypes.AccessToken];

    private readonly ECDsaSecurityKey key = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = KeyId };
    private readonly SignatureProvider signer;
    private readonly JwtSubjectTokenValidator validator;

    public SubjectTokenTarget()
    {
        signer = key.CryptoProviderFactory.CreateForSigning(key, SecurityAlgorithms.EcdsaSha256);
        validator = new JwtSubjectTokenValidator(Issuer, [Audience], [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256], TimeSpan.FromSeconds(60),
            new StaticKeySource([key]), new FakeTimeProvider(Now), TimeSpan.FromHours(24), [AuthorizedParty]);
    }

    public string Run(byte[] input)
    {
        if (input.Length == 0) return "empty";
        var declaredType = DeclaredTypes[(input[0] >> 1) & 3];
        var token = (input[0] & 1) == 0 ? Encoding.UTF8.GetString(input, 1, input.Length - 1) : Signed(input.AsSpan(1));

        var result = validator.ValidateAsync(token, declaredType, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        if (result.Error is { } error)
        {
            Expect.Refusal(error, OAuthErrorCodes.InvalidRequest);
            return $"refused: {error.Code}: {error.Description} ({error.Reason})";
        }
        Expect.That(result.Issuer == Issuer, "accepted a token from another issuer");
        Expect.That(!string.IsNullOrEmpty(result.Subject), "accepted a token without a subject");
        Expect.That(result.Expires is not null, "accepted a token without an expiry");
        Expect.That(result.Claims.GetValueOrDefault("sub") == result.Subject, "answered claims that are not the token's");
        return $"accepted: sub {result.Subject}, declared {declaredType}";
    }

    /// <summary>header "\n" payload, each base64url-encoded as is (not re-serialized), and signed ES256.</summary>
    private string Signed(ReadOnlySpan<byte> input)
    {
        var newline = input.IndexOf((byte)'\n');
        var header = newline < 0 ? """{"alg":"ES256","kid":"fuzz-key"}"""u8 : input[..newline];
        var payload = newline < 0 ? input : input[(newline + 1)..];
        var signingInput = $"{Base64Url.EncodeToString(header)}.{Base64Url.EncodeToString(payload)}";
        return $"{signingInput}.{Base64Url.EncodeToString(signer.Sign(Encoding.ASCII.GetBytes(signingInput)))}";
    }
}
