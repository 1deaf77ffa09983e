using System.Diagnostics;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Exchange;
using TokenExchange.Grains.Silo.Events;
using TokenExchange.Grains.Silo.Limits;
using TokenExchange.Tokens;

namespace TokenExchange.Grains.Silo;

/// <summary>
/// RFC 7662 introspection and RFC 7009 revocation of this cluster's own tokens, for authenticated apps.
/// JWT access tokens are checked against the cluster's keys (they cannot be revoked: they expire);
/// opaque access tokens and refresh tokens are looked up by hash; only the app a token was issued to may
/// revoke it, and only that app may introspect its refresh tokens. Every grain call here is a read or an
/// idempotent revocation, retried when its silo died or is leaving (<see cref="GrainCallRetry"/>); a cluster
/// that still cannot answer is temporarily_unavailable.
/// </summary>
public sealed class TokenInspection(DefinitionCache definitions, IGrainFactory grains, ISigningKeySource keys, ClusterIssuer issuer, TimeProvider time, TokenEvents events, RateLimits limits, GrainCallRetry retry)
{
    private static readonly JsonWebTokenHandler Tokens = new() { MapInboundClaims = false };

    /// <summary>The introspection response's members; <c>{"active": false}</c> alone for anything not active.</summary>
    public async Task<(Dictionary<string, object>? Claims, OAuthError? Error)> IntrospectAsync(string? clientId, string? secret, string? token, string? clientAddress, ClientCertificate? certificate = null, CancellationToken cancellationToken = default)
    {
        var startedAt = Stopwatch.GetTimestamp();
        // Introspecting a token that is not active is ordinary use: only the request budgets apply.
        var (claims, error) = limits.Admit(RateLimits.ChargeableApp(definitions.Snapshot, clientId, secret, certificate), clientAddress, checkInvalidTokens: false) is { } limited
            ? (null, limited)
            : await Mapped(IntrospectCoreAsync(clientId, secret, token, certificate, cancellationToken), e => ((Dictionary<string, object>?)null, (OAuthError?)e));
        events.Record(TokenOperation.Introspect, startedAt, clientId, null, error, claims?.GetValueOrDefault("sub") as string, token, clientAddress);
        return (claims, error);
    }

    private async Task<(Dictionary<string, object>? Claims, OAuthError? Error)> IntrospectCoreAsync(string? clientId, string? secret, string? token, ClientCertificate? certificate, CancellationToken cancellationToken)
    {
        var (app, error) = Authenticate(clientId, secret, certificate);
        if (error is not null) return (null, error);
        if (string.IsNullOrEmpty(token)) return (null, Errors.InvalidRequest("token is required"));
        var inactive = new Dictionary<string, object> { ["active"] = false };
        if (token.Length > 16 * 1024) return (inactive, null);

        if (token.Count(c => c == '.') == 2)
        {
            var result = await Tokens.ValidateTokenAsync(token, new TokenValidationParameters
            {
                ValidIssuer = issuer.Value,
                ValidateAudience = false,
                IssuerSigningKeys = keys.Ring.Keys.Select(k => (SecurityKey)k.SecurityKey),
                ValidAlgorithms = SigningKey.Algorithms,
                LifetimeValidator = (notBefore, expires, _, _) => expires is { } exp && exp > time.GetUtcNow().UtcDateTime,
            });
            if (!result.IsValid) return (inactive, null);
            var claims = new Dictionary<string, object> { ["active"] = true, ["token_type"] = "Bearer" };
            foreach (var (name, value) in result.Claims) claims[name] = value;
            return (claims, null);
        }

        if (await retry.CallAsync(grains.GetGrain<IOpaqueAccessTokenGrain>(OpaqueAccessTokens.HandleKey(token)).Get, cancellationToken) is { } opaque)
        {
            var userRevokedAt = await retry.CallAsync(grains.GetGrain<IUserGrain>(opaque.UserId).GetTokensRevokedAt, cancellationToken);
            var sessionRevokedAt = opaque.SessionKey is { } session ? await retry.CallAsync(grains.GetGrain<ISubjectSessionGrain>(session).GetRevokedAt, cancellationToken) : null;
            if (opaque.Revoked || opaque.ExpiresAt <= time.GetUtcNow() || userRevokedAt >= opaque.IssuedAt || sessionRevokedAt >= opaque.IssuedAt)
                return (inactive, null);
            var claims = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object>>(opaque.ClaimsJson)!;
            claims["active"] = true;
            claims["token_type"] = "Bearer";
            return (claims, null);
        }

        var handle = await retry.CallAsync(grains.GetGrain<ITokenHandleGrain>(OpaqueTokens.RefreshHandleKey(token)).Get, cancellationToken);
        if (handle is null || handle.ClientId != app!.ClientId) return (inactive, null);
        var refreshSession = grains.GetGrain<ISubjectSessionGrain>(handle.SessionKey);
        var expires = await retry.CallAsync(() => refreshSession.InspectRefreshToken(handle.FamilyId, OpaqueTokens.Hash(token)), cancellationToken);
        return expires is { } exp
            ? (new Dictionary<string, object> { ["active"] = true, ["token_type"] = "refresh_token", ["client_id"] = handle.ClientId, ["exp"] = exp.ToUnixTimeSeconds(), ["iss"] = issuer.Value }, null)
            : (inactive, null);
    }

    /// <summary>
    /// RFC 7009: an opaque access token of this app is revoked, a refresh token ends its family; unknown tokens
    /// are no error; JWTs cannot be revoked.
    /// </summary>
    public async Task<OAuthError?> RevokeAsync(string? clientId, string? secret, string? token, string? clientAddress, ClientCertificate? certificate = null, CancellationToken cancellationToken = default)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var error = limits.Admit(RateLimits.ChargeableApp(definitions.Snapshot, clientId, secret, certificate), clientAddress, checkInvalidTokens: false)
            ?? await Mapped(RevokeCoreAsync(clientId, secret, token, certificate, cancellationToken), e => (OAuthError?)e);
        events.Record(TokenOperation.Revoke, startedAt, clientId, null, error, null, token, clientAddress);
        return error;
    }

    private async Task<OAuthError?> RevokeCoreAsync(string? clientId, string? secret, string? token, ClientCertificate? certificate, CancellationToken cancellationToken)
    {
        var (app, error) = Authenticate(clientId, secret, certificate);
        if (error is not null) return error;
        if (string.IsNullOrEmpty(token)) return Errors.InvalidRequest("token is required");
        if (token.Count(c => c == '.') == 2)
            return new OAuthError("unsupported_token_type", "JWT access tokens cannot be revoked; they expire");
        if (token.Length > 512) return null;
        var opaque = grains.GetGrain<IOpaqueAccessTokenGrain>(OpaqueAccessTokens.HandleKey(token));
        if (await retry.CallAsync(opaque.Get, cancellationToken) is { } access)
        {
            if (access.ClientId == app!.ClientId) await retry.CallAsync(opaque.Revoke, cancellationToken);
            return null;
        }
        var handle = await retry.CallAsync(grains.GetGrain<ITokenHandleGrain>(OpaqueTokens.RefreshHandleKey(token)).Get, cancellationToken);
        if (handle is not null && handle.ClientId == app!.ClientId)
        {
            var session = grains.GetGrain<ISubjectSessionGrain>(handle.SessionKey);
            await retry.CallAsync(() => session.RevokeFamily(handle.FamilyId), cancellationToken);
        }
        return null;
    }

    /// <summary>A cluster that could not answer (a silo gone past the deadline, storage down) is the client's temporarily_unavailable, not a crash of the request.</summary>
    private static async Task<T> Mapped<T>(Task<T> operation, Func<OAuthError, T> failed)
    {
        try
        {
            return await operation;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return failed(Grains.Handlers.OrleansFailures.ToOAuthError(e));
        }
    }

    /// <summary>Introspection and revocation need an authenticated app; token exchange need not be enabled for it.</summary>
    private (TokenExchange.Definitions.AppDefinition? App, OAuthError? Error) Authenticate(string? clientId, string? secret, ClientCertificate? certificate) =>
        ExchangeAuthorizer.AuthenticateApp(definitions.Snapshot, clientId, secret, requireSecret: true, certificate);
}
