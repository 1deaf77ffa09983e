using Bench.Shared;
using Microsoft.IdentityModel.Tokens;

namespace Bench.Peers.OpenIddict;

/// <summary>The external issuer whose subject tokens this peer accepts: issuer, audience, keys, ES256 only.</summary>
public sealed class SubjectTrust(PeerArguments arguments)
{
    public const string JwtTokenType = "urn:ietf:params:oauth:token-type:jwt";

    public TokenValidationParameters Parameters { get; } = new()
    {
        ValidIssuer = arguments.SubjectIssuer,
        ValidAudience = arguments.SubjectAudience,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        IssuerSigningKeys = SubjectKeyFiles.LoadJwks(arguments.JwksPath),
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        // No ValidTypes: the IdP's typ (at+jwt, JWT or none) is its own affair, as in the cluster's jwt handler.
        ClockSkew = TimeSpan.FromSeconds(30),
    };

    public string Audience { get; } = arguments.SubjectAudience;
}
