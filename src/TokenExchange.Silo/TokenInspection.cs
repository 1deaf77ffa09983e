using System.Diagnostics;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Abstractions;
using TokenExchange.Clients;
using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using TokenExchange.Proofs;
using TokenExchange.Silo.Events;
using TokenExchange.Silo.Limits;
using TokenExchange.Tokens;

namespace TokenExchange.Silo;

/// <summary>
/// RFC 7662 introspection and RFC 7009 revocation of this cluster's own tokens, for authenticated apps.
/// JWT access tokens are checked against the cluster's keys (they cannot be revoked: they expire);
/// opaque access tokens and refresh tokens are looked up by hash; only the app a token was issued to may
/// revoke it, and only that app may introspect its refresh tokens. An access token introspects as active only
/// for the app it was issued to and for the resource servers of its audiences (<see cref="IntrospectionAccess"/>),
/// and only while its user is enabled and neither the user nor its subject was revoked since it was issued.
/// Every grain call here is a read or an
/// idempotent revocation, retried when its silo died or is leaving (<see cref="GrainCallRetry"/>); a cluster
/// that still cannot answer is temporarily_unavailable.
/// </summary>
public sealed class TokenInspection(DefinitionCache definitions, IGrainFactory grains, ISigningKeySource keys, ClusterIssuer issuer, TimeProvider time, TokenEvents events, RateLimits limits, GrainCallRetry retry, ClientAuthenticator clients)
{
    private static readonly JsonWebTokenHandler Tokens = new() { MapInboundClaims = false };

    /// <summary>The introspection response's members; <c>{"active": false}</c> alone for anything not active.</summary>
    /// <param name="assertion">The app's client assertion, for an app that authenticates with one (private_key_jwt).</param>
    public async Task<(Dictionary<string, object>? Claims, OAuthError? Error)> IntrospectAsync(string? clientId, string? secret, string? token, string? clientAddress, ClientCertificate? certificate = null, CancellationToken cancellationToken = default, ClientAssertion? assertion = null)
    {
        var startedAt = Stopwatch.GetTimestamp();
        // Introspecting a token that is not active is ordinary use: only the request budgets apply (and a client assertion's).
        var admission = await AuthenticateAsync(clientId, secret, certificate, assertion, clientAddress, cancellationToken);
        var (claims, error) = admission.Limited is { } limited
            ? (null, limited)
            : await Mapped(IntrospectCoreAsync(admission.Authentication, token, cancellationToken), e => ((Dictionary<string, object>?)null, (OAuthError?)e));
        events.Record(TokenOperation.Introspect, startedAt, clientId, null, error, claims?.GetValueOrDefault("sub") as string, token, clientAddress);
        return (claims, error);
    }

    private async Task<(Dictionary<string, object>? Claims, OAuthError? Error)> IntrospectCoreAsync((TokenExchange.Definitions.AppDefinition? App, OAuthError? Error) authentication, string? token, CancellationToken cancellationToken)
    {
        var (app, error) = authentication;
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
                // Access tokens only (RFC 9068 typ): the cluster's ID tokens are signed by the same keys but are no access tokens.
                ValidTypes = [TokenMinter.AccessTokenJwtType],
                LifetimeValidator = (notBefore, expires, _, _) => expires is { } exp && exp > time.GetUtcNow().UtcDateTime,
            });
            if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt) return (inactive, null);
            var owner = jwt.TryGetPayloadValue<string>("client_id", out var issuedTo) ? issuedTo : null;
            if (!IntrospectionAccess.MayIntrospect(app!, owner, jwt.Audiences)) return (inactive, null);
            var sessionId = jwt.TryGetPayloadValue<string>("sid", out var sid) ? sid : null;
            if (!await StillValidAsync(jwt.Subject, sessionId, null, new DateTimeOffset(jwt.IssuedAt, TimeSpan.Zero), cancellationToken)) return (inactive, null);
            var claims = new Dictionary<string, object> { ["active"] = true };
            foreach (var (name, value) in result.Claims) claims[name] = value;
            // RFC 9449 section 6.2: a DPoP-bound token introspects with its cnf (among its claims) and token_type DPoP.
            claims["token_type"] = DpopBinding.TokenType(System.Text.Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload)));
            return (claims, null);
        }

        if (await retry.CallAsync(grains.GetGrain<IOpaqueAccessTokenGrain>(OpaqueAccessTokens.HandleKey(token)).Get, cancellationToken) is { } opaque)
        {
            var claims = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object>>(opaque.ClaimsJson)!;
            if (!IntrospectionAccess.MayIntrospect(app!, opaque.ClientId, IntrospectionAccess.Audiences(claims.GetValueOrDefault("aud"))))
                return (inactive, null);
            if (opaque.Revoked || opaque.ExpiresAt <= time.GetUtcNow() || !await StillValidAsync(opaque.UserId, null, opaque.SessionKey, opaque.IssuedAt, cancellationToken))
                return (inactive, null);
            claims["active"] = true;
            claims["token_type"] = DpopBinding.TokenType(opaque.ClaimsJson);
            return (claims, null);
        }

        var handle = await retry.CallAsync(grains.GetGrain<ITokenHandleGrain>(OpaqueTokens.RefreshHandleKey(token)).Get, cancellationToken);
        if (handle is null || handle.ClientId != app!.ClientId) return (inactive, null);
        if (await InspectRefreshTokenAsync(grains.GetGrain<ISubjectSessionGrain>(handle.SessionKey), handle.FamilyId, OpaqueTokens.Hash(token), app.RefreshTokens, cancellationToken) is not { } active)
            return (inactive, null);
        var refresh = new Dictionary<string, object> { ["active"] = true, ["token_type"] = "refresh_token", ["client_id"] = handle.ClientId, ["exp"] = active.ExpiresAt.ToUnixTimeSeconds(), ["iss"] = issuer.Value };
        // RFC 9449 section 6.2: a refresh token bound to a DPoP key (a public client's, section 5) introspects with its cnf.
        if (active.DpopThumbprint is { } thumbprint) refresh["cnf"] = new Dictionary<string, object> { [TokenMinter.DpopThumbprintMember] = thumbprint };
        return (refresh, null);
    }

    /// <summary>
    /// Whether a refresh token is active, until when, and the DPoP key its family is bound to. A session hosted by an older
    /// silo lacks <see cref="ISubjectSessionGrain.InspectBoundRefreshToken"/> (a rolling upgrade): it is asked as before, and
    /// its answer has no binding, as introspection had none before (docs/architecture.md, section 5).
    /// </summary>
    private async Task<ActiveRefreshToken?> InspectRefreshTokenAsync(ISubjectSessionGrain session, string familyId, string tokenHash, TokenExchange.Definitions.RefreshTokenPolicy policy, CancellationToken cancellationToken)
    {
        try
        {
            return await retry.CallAsync(() => session.InspectBoundRefreshToken(familyId, tokenHash, policy), cancellationToken);
        }
        catch (Exception e) when (e is not (TimeoutException or OperationCanceledException))
        {
            // Any other failure is asked once more the old way: a cluster that cannot answer fails that call too.
            return await retry.CallAsync(() => session.InspectRefreshToken(familyId, tokenHash, policy), cancellationToken) is { } expires ? new ActiveRefreshToken(expires, null) : null;
        }
    }

    /// <summary>
    /// An access token is active only while its user exists and is enabled, and neither the user nor its subject
    /// session (by key for opaque tokens, by the JWT's sid) was revoked at or after it was issued.
    /// </summary>
    private async Task<bool> StillValidAsync(string? userId, string? sessionId, string? sessionKey, DateTimeOffset issuedAt, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(userId)) return false;
        var user = grains.GetGrain<IUserGrain>(userId);
        var record = retry.CallAsync(user.Get, cancellationToken).AsTask();
        var userRevokedAt = retry.CallAsync(user.GetTokensRevokedAt, cancellationToken).AsTask();
        var sessionRevokedAt = sessionKey is not null ? retry.CallAsync(grains.GetGrain<ISubjectSessionGrain>(sessionKey).GetRevokedAt, cancellationToken).AsTask()
            : sessionId is not null ? retry.CallAsync(grains.GetGrain<ISessionRevocationGrain>(sessionId).GetRevokedAt, cancellationToken).AsTask()
            : Task.FromResult<DateTimeOffset?>(null);
        // The three reads run side by side and are awaited together: awaited in turn, a first one that threw (or a
        // disabled user) left the others' pooled ValueTasks never awaited, their failures never observed. The first
        // failure in this order is still the one thrown.
        await Task.WhenAll(record, userRevokedAt, sessionRevokedAt);
        return record.Result is { Enabled: true } && !(userRevokedAt.Result >= issuedAt) && !(sessionRevokedAt.Result >= issuedAt);
    }

    /// <summary>
    /// RFC 7009: an opaque access token of this app is revoked, a refresh token ends its family; unknown tokens
    /// are no error; JWTs cannot be revoked.
    /// </summary>
    /// <param name="assertion">The app's client assertion, for an app that authenticates with one (private_key_jwt).</param>
    public async Task<OAuthError?> RevokeAsync(string? clientId, string? secret, string? token, string? clientAddress, ClientCertificate? certificate = null, CancellationToken cancellationToken = default, ClientAssertion? assertion = null)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var admission = await AuthenticateAsync(clientId, secret, certificate, assertion, clientAddress, cancellationToken);
        var error = admission.Limited ?? await Mapped(RevokeCoreAsync(admission.Authentication, token, cancellationToken), e => (OAuthError?)e);
        events.Record(TokenOperation.Revoke, startedAt, clientId, null, error, null, token, clientAddress);
        return error;
    }

    private async Task<OAuthError?> RevokeCoreAsync((TokenExchange.Definitions.AppDefinition? App, OAuthError? Error) authentication, string? token, CancellationToken cancellationToken)
    {
        var (app, error) = authentication;
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
            return failed(Handlers.OrleansFailures.ToOAuthError(e));
        }
    }

    /// <summary>
    /// Introspection and revocation need an authenticated app (once per request, after the address's budget: the app's
    /// budget charges it, the operation uses it); token exchange need not be enabled for it. Tokens they find inactive
    /// spend nothing, so the invalid-token budget is checked only for a client assertion, the one refusal here that spends it.
    /// </summary>
    private ValueTask<Admission> AuthenticateAsync(string? clientId, string? secret, ClientCertificate? certificate, ClientAssertion? assertion, string? clientAddress, CancellationToken cancellationToken) =>
        limits.AuthenticateAsync(clients, definitions.Snapshot, clientId, secret, requireSecret: true, certificate, assertion, clientAddress,
            checkInvalidTokens: assertion is not null, cancellationToken);
}
