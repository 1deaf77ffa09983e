using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Clients;
using TokenExchange.Configuration;
using TokenExchange.Grains.Users;
using TokenExchange.Tokens;

namespace TokenExchange.Server.Admin;

/// <summary>
/// Who may administer the cluster (the admin API and the Setup page): the holder of an admin key from the
/// server's configuration (compared as a hash, in constant time), or of an access token this cluster issued
/// with the admin scope and the cluster's issuer as audience, to an app listed in the configuration's
/// <c>admin.clients</c> (and, when <c>admin.users</c> is given, for one of those users), whose user exists and
/// is enabled. Every refusal is logged and audited, without the credential.
/// The caller is named for the audit trail as <c>key:HASH</c> (a short hash of the admin key) or <c>token:SUBJECT</c>.
/// </summary>
public sealed class AdminAuthenticator(
    AdminAuthority authority, ISigningKeySource signing, ClusterIssuer issuer, GrainUserDirectory users, AdminAudit audit,
    TimeProvider time, ILogger<AdminAuthenticator> logger, [FromKeyedServices(AdminAuthenticator.ClockKey)] TimeProvider? testClock = null)
{
    public const string Scope = "tokenexchange.admin";

    /// <summary>Tests register a <see cref="TimeProvider"/> under this key to move the clock that ends token sign-ins.</summary>
    public const string ClockKey = "admin";

    /// <summary>How far past its expiry the admin API still accepts a token (silos' clocks differ a little); a Setup sign-in ends at the expiry itself.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    private static readonly JsonWebTokenHandler Tokens = new() { MapInboundClaims = false };

    private readonly TimeProvider clock = testClock ?? time;

    /// <summary>Refuses the call (RpcException) or returns who makes it, in words safe to log.</summary>
    public async Task<string> AuthorizeAsync(ServerCallContext context)
    {
        var address = context.GetHttpContext().Connection.RemoteIpAddress?.ToString();
        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var verdict = Refuse(AdminCredentialFailure.Invalid, "admin credentials required (authorization: Bearer <admin key or token>)", "no credentials", context.Method, address, null);
            throw new RpcException(new Status(StatusCode.Unauthenticated, verdict.Message));
        }
        var checkedVerdict = await VerifyAsync(header["Bearer ".Length..].Trim(), context.Method, address);
        if (!checkedVerdict.Allowed)
            throw new RpcException(new Status(checkedVerdict.Failure == AdminCredentialFailure.NotAdmin ? StatusCode.PermissionDenied : StatusCode.Unauthenticated, checkedVerdict.Message));
        return checkedVerdict.Who!;
    }

    /// <summary>
    /// Checks an admin key or an admin-scoped access token; <paramref name="what"/> and <paramref name="address"/>
    /// only describe the attempt in the log line and audit event of a refusal.
    /// </summary>
    public async Task<AdminVerdict> VerifyAsync(string credential, string what, string? address)
    {
        if (credential.Count(c => c == '.') == 2) return await VerifyTokenAsync(credential, what, address);
        if (authority.KeyHashes.Count == 0 || !ClientSecretHasher.Verify(credential, authority.KeyHashes))
            return Refuse(AdminCredentialFailure.Invalid, "admin credentials are not valid", "admin key does not match", what, address, null);
        return AdminVerdict.Allow("key:" + TokenExchange.Silo.Events.TokenEvents.TokenHash(credential), null);
    }

    /// <summary>
    /// Whether a sign-in made with a token still holds: the token has not expired, and its app and user still
    /// have admin authority (the user may have been disabled since). Null when it holds, else the refusal
    /// (logged and audited like a refused sign-in).
    /// </summary>
    public async Task<AdminVerdict?> RecheckAsync(AdminTokenGrant grant, string what, string? address)
    {
        if (clock.GetUtcNow() >= grant.Expires)
            return Refuse(AdminCredentialFailure.Invalid, "the admin token has expired: sign in again", "token expired", what, address, grant.UserId, grant.ClientId);
        var refusal = await AuthorityRefusalAsync(grant.ClientId, grant.UserId);
        return refusal is null ? null : Refuse(AdminCredentialFailure.NotAdmin, refusal.Value.Message, refusal.Value.Reason, what, address, grant.UserId, grant.ClientId);
    }

    private async Task<AdminVerdict> VerifyTokenAsync(string credential, string what, string? address)
    {
        var result = await Tokens.ValidateTokenAsync(credential, new TokenValidationParameters
        {
            ValidIssuer = issuer.Value,
            ValidAudience = issuer.Value,
            IssuerSigningKeys = signing.Ring.Keys.Select(k => (SecurityKey)k.SecurityKey),
            ValidAlgorithms = SigningKey.Algorithms,
            ValidTypes = [TokenMinter.AccessTokenJwtType],
            // Checked below against the injected clock, once the signature holds.
            ValidateLifetime = false,
        });
        if (!result.IsValid)
            return Refuse(AdminCredentialFailure.Invalid, "admin credentials are not valid", $"token invalid ({result.Exception?.GetType().Name})", what, address, null);
        var token = (JsonWebToken)result.SecurityToken;
        var now = clock.GetUtcNow();
        // The cluster's own tokens always carry exp and nbf; only the silos' clock drift is allowed for, not an IdP's.
        if (!token.TryGetPayloadValue<long>("exp", out var exp) || now > DateTimeOffset.FromUnixTimeSeconds(exp) + ClockSkew)
            return Refuse(AdminCredentialFailure.Invalid, "admin credentials are not valid", "token expired", what, address, null);
        if (token.TryGetPayloadValue<long>("nbf", out var nbf) && now + ClockSkew < DateTimeOffset.FromUnixTimeSeconds(nbf))
            return Refuse(AdminCredentialFailure.Invalid, "admin credentials are not valid", "token not yet valid", what, address, null);
        string? Claim(string name) => result.Claims.TryGetValue(name, out var value) ? value as string : null;
        var subject = Claim("sub");
        var clientId = Claim("client_id");
        if (!(Claim("scope")?.Split(' ') ?? []).Contains(Scope))
            return Refuse(AdminCredentialFailure.NotAdmin, $"the token lacks the {Scope} scope", "token without admin scope", what, address, subject, clientId);
        var refusal = await AuthorityRefusalAsync(clientId, subject);
        if (refusal is not null)
            return Refuse(AdminCredentialFailure.NotAdmin, refusal.Value.Message, refusal.Value.Reason, what, address, subject, clientId);
        return AdminVerdict.Allow("token:" + Clip(subject), new AdminTokenGrant(clientId!, subject!, DateTimeOffset.FromUnixTimeSeconds(exp)));
    }

    /// <summary>The admin authority rule for a token's app and user (see <see cref="AdminTokenHolders"/>); null when it holds.</summary>
    private async Task<(string Message, string Reason)?> AuthorityRefusalAsync(string? clientId, string? userId)
    {
        if (!authority.TokenHolders.AllowsClient(clientId))
            return ("the token's app is not allowed to administer this cluster (admin.clients)", $"app {Clip(clientId)} is not in admin.clients");
        if (!authority.TokenHolders.AllowsUser(userId))
            return ("the token's user is not allowed to administer this cluster (admin.users)", $"user {Clip(userId)} is not in admin.users");
        var user = userId is null ? null : await users.GetAsync(userId);
        if (user is null) return ("the token's user does not exist", "user does not exist");
        if (!user.Enabled) return ("the token's user is disabled", "user disabled");
        return null;
    }

    private AdminVerdict Refuse(AdminCredentialFailure failure, string message, string reason, string what, string? address, string? userId, string? clientId = null)
    {
        logger.LogWarning("Admin call {Method} refused from {Address}: {Reason}", what, address, reason);
        audit.RecordRefusedSignIn(what, userId is null ? "anonymous" : "token:" + Clip(userId), failure == AdminCredentialFailure.NotAdmin ? "permission_denied" : "unauthenticated", reason, address, clientId, userId);
        return new AdminVerdict(false, failure, message, null, null);
    }

    /// <summary>Claims of a token this cluster signed, compared whole but bounded before they reach logs and audit events.</summary>
    private static string? Clip(string? value) => value is { Length: > 64 } ? value[..64] : value;
}

public enum AdminCredentialFailure
{
    None,
    Invalid,
    NotAdmin,
}

/// <summary>
/// The outcome of checking an admin credential: the message is safe to show; <see cref="Who"/> names the caller
/// (<c>key:HASH</c> or <c>token:SUBJECT</c>); <see cref="Token"/> is set for a token, whose authority ends with it.
/// </summary>
public sealed record AdminVerdict(bool Allowed, AdminCredentialFailure Failure, string Message, string? Who, AdminTokenGrant? Token)
{
    public static AdminVerdict Allow(string who, AdminTokenGrant? token) => new(true, AdminCredentialFailure.None, "", who, token);
}

/// <summary>What an admin token granted: for whom, through which app, and until when.</summary>
public sealed record AdminTokenGrant(string ClientId, string UserId, DateTimeOffset Expires);

/// <summary>Admin authority from the server's configuration file: key hashes, and whose tokens count. A restart applies changes.</summary>
public sealed record AdminAuthority(IReadOnlyList<string> KeyHashes, AdminTokenHolders TokenHolders);
