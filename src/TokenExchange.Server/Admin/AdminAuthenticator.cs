using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Clients;
using TokenExchange.Tokens;

namespace TokenExchange.Server.Admin;

/// <summary>
/// Who may call the admin API: the holder of an admin key from the server's configuration (compared as a
/// hash, in constant time), or of an access token this cluster issued with the admin scope and the
/// cluster's issuer as audience. Every refusal is logged, without the credential. The caller is named for
/// the audit trail as <c>key:HASH</c> (a short hash of the admin key) or <c>token:SUBJECT</c>.
/// </summary>
public sealed class AdminAuthenticator(AdminKeys keys, ISigningKeySource signing, ClusterIssuer issuer, ILogger<AdminAuthenticator> logger)
{
    public const string Scope = "tokenexchange.admin";

    private static readonly JsonWebTokenHandler Tokens = new() { MapInboundClaims = false };

    /// <summary>Refuses the call (RpcException) or returns who makes it, in words safe to log.</summary>
    public async Task<string> AuthorizeAsync(ServerCallContext context)
    {
        var address = context.GetHttpContext().Connection.RemoteIpAddress?.ToString();
        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            throw Refuse(StatusCode.Unauthenticated, "admin credentials required (authorization: Bearer <admin key or token>)", "no credentials", context.Method, address);
        var credential = header["Bearer ".Length..].Trim();

        if (credential.Count(c => c == '.') == 2)
        {
            var result = await Tokens.ValidateTokenAsync(credential, new TokenValidationParameters
            {
                ValidIssuer = issuer.Value,
                ValidAudience = issuer.Value,
                IssuerSigningKeys = signing.Ring.Keys.Select(k => (SecurityKey)k.SecurityKey),
                ValidAlgorithms = SigningKey.Algorithms,
                ValidTypes = [TokenMinter.AccessTokenJwtType],
            });
            if (!result.IsValid)
                throw Refuse(StatusCode.Unauthenticated, "admin credentials are not valid", $"token invalid ({result.Exception?.GetType().Name})", context.Method, address);
            var scopes = (result.Claims.TryGetValue("scope", out var scope) ? scope as string : null)?.Split(' ') ?? [];
            if (!scopes.Contains(Scope))
                throw Refuse(StatusCode.PermissionDenied, $"the token lacks the {Scope} scope", "token without admin scope", context.Method, address);
            var subject = result.Claims.TryGetValue("sub", out var sub) ? sub as string : null;
            return "token:" + (subject is { Length: > 64 } ? subject[..64] : subject);
        }
        if (keys.Hashes.Count == 0 || !ClientSecretHasher.Verify(credential, keys.Hashes))
            throw Refuse(StatusCode.Unauthenticated, "admin credentials are not valid", "admin key does not match", context.Method, address);
        return "key:" + Grains.Silo.Events.TokenEvents.TokenHash(credential);
    }

    private RpcException Refuse(StatusCode status, string message, string reason, string method, string? address)
    {
        logger.LogWarning("Admin call {Method} refused from {Address}: {Reason}", method, address, reason);
        return new RpcException(new Status(status, message));
    }
}

/// <summary>Hashes of the admin keys from the server's configuration file.</summary>
public sealed record AdminKeys(IReadOnlyList<string> Hashes);
