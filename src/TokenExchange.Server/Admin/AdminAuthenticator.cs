using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Clients;
using TokenExchange.Tokens;

namespace TokenExchange.Server.Admin;

/// <summary>
/// Who may administer the cluster (the admin API and the Setup page): the holder of an admin key from the
/// server's configuration (compared as a hash, in constant time), or of an access token this cluster issued
/// with the admin scope and the cluster's issuer as audience. Every refusal is logged, without the credential.
/// The caller is named for the audit trail as <c>key:HASH</c> (a short hash of the admin key) or <c>token:SUBJECT</c>.
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
        {
            LogRefusal(context.Method, address, "no credentials");
            throw new RpcException(new Status(StatusCode.Unauthenticated, "admin credentials required (authorization: Bearer <admin key or token>)"));
        }
        var verdict = await VerifyAsync(header["Bearer ".Length..].Trim(), context.Method, address);
        if (!verdict.Allowed)
            throw new RpcException(new Status(verdict.Failure == AdminCredentialFailure.NotAdmin ? StatusCode.PermissionDenied : StatusCode.Unauthenticated, verdict.Message));
        return verdict.Who!;
    }

    /// <summary>
    /// Checks an admin key or an admin-scoped access token; <paramref name="what"/> and <paramref name="address"/>
    /// only describe the attempt in the log line of a refusal.
    /// </summary>
    public async Task<AdminVerdict> VerifyAsync(string credential, string what, string? address)
    {
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
                return Refuse(AdminCredentialFailure.Invalid, "admin credentials are not valid", $"token invalid ({result.Exception?.GetType().Name})", what, address);
            var scopes = (result.Claims.TryGetValue("scope", out var scope) ? scope as string : null)?.Split(' ') ?? [];
            if (!scopes.Contains(Scope))
                return Refuse(AdminCredentialFailure.NotAdmin, $"the token lacks the {Scope} scope", "token without admin scope", what, address);
            var subject = result.Claims.TryGetValue("sub", out var sub) ? sub as string : null;
            return AdminVerdict.Allow("token:" + (subject is { Length: > 64 } ? subject[..64] : subject));
        }
        if (keys.Hashes.Count == 0 || !ClientSecretHasher.Verify(credential, keys.Hashes))
            return Refuse(AdminCredentialFailure.Invalid, "admin credentials are not valid", "admin key does not match", what, address);
        return AdminVerdict.Allow("key:" + Grains.Silo.Events.TokenEvents.TokenHash(credential));
    }

    private AdminVerdict Refuse(AdminCredentialFailure failure, string message, string reason, string what, string? address)
    {
        LogRefusal(what, address, reason);
        return new AdminVerdict(false, failure, message, null);
    }

    private void LogRefusal(string what, string? address, string reason) =>
        logger.LogWarning("Admin call {Method} refused from {Address}: {Reason}", what, address, reason);
}

public enum AdminCredentialFailure
{
    None,
    Invalid,
    NotAdmin,
}

/// <summary>The outcome of checking an admin credential: the message is safe to show; <see cref="Who"/> names the caller (<c>key:HASH</c> or <c>token:SUBJECT</c>).</summary>
public sealed record AdminVerdict(bool Allowed, AdminCredentialFailure Failure, string Message, string? Who)
{
    public static AdminVerdict Allow(string who) => new(true, AdminCredentialFailure.None, "", who);
}

/// <summary>Hashes of the admin keys from the server's configuration file.</summary>
public sealed record AdminKeys(IReadOnlyList<string> Hashes);
