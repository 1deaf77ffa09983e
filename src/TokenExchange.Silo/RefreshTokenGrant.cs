using TokenExchange.Abstractions;
using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using TokenExchange.Tokens;

namespace TokenExchange.Silo;

/// <summary>
/// The refresh token grant: the token's family rotates in its subject session, and every refresh checks
/// again that the client is still allowed, the handler still enabled for it, and the user still active.
/// Scopes and targets only narrow: never wider than the token was issued with, nor than the app allows now.
/// The checks it shares with the exchange are the exchange's own rules (<see cref="ExchangePipeline"/>).
/// A delegated family's access tokens carry its <c>act</c> chain again and never outlive its NotAfter; the
/// family itself ends at its absolute lifetime, however often it rotated.
/// Grain calls are retried when their silo died or is leaving (<see cref="GrainCallRetry"/>); the redemption
/// is idempotent per request (an id this silo chooses for the request), so a repeat rotates the family
/// once, not twice, and is never mistaken for a reuse of a spent token.
/// </summary>
public sealed class RefreshTokenGrant(DefinitionCache definitions, IGrainFactory grains, TokenMinter minter, TokenExchange.Core.Handlers.ISubjectSessions store, GrainCallRetry retry, TokenExchange.Proofs.DpopProofValidator dpop)
{
    /// <param name="authenticated">The client's authentication of this request, when the caller has it (the front door authenticates once); else it is authenticated here (by secret or certificate).</param>
    public async Task<ExchangeOutcome> RefreshAsync(RefreshRequest request, CancellationToken cancellationToken = default, (TokenExchange.Definitions.AppDefinition? App, OAuthError? Error)? authenticated = null)
    {
        if (string.IsNullOrEmpty(request.ClientId)) return ExchangeOutcome.Failure(Errors.InvalidRequest("client_id is required"));
        if (string.IsNullOrEmpty(request.RefreshToken) || request.RefreshToken.Length > 512)
            return ExchangeOutcome.Failure(Errors.InvalidRequest("refresh_token is required"));
        var snapshot = definitions.Snapshot;
        var (app, clientError) = authenticated ?? ClientAuthentication.Authenticate(snapshot, request.ClientId, request.ClientSecret, requireSecret: false, request.ClientCertificate);
        if (clientError is not null) return ExchangeOutcome.Failure(clientError);
        // A refresh token of an app whose exchange was since disabled is a grant no longer valid (RFC 6749 5.2).
        if (TokenExchangeEnabled.Check(app!) is not null)
            return ExchangeOutcome.Failure(Errors.InvalidGrant("token exchange is no longer enabled for this client"));
        // RFC 9449 section 5: a refresh with a DPoP proof binds the new access token to the proof's key.
        if (DpopRequirement.Check(app!, request.Dpop is not null) is { } noProof) return ExchangeOutcome.Failure(noProof);
        string? dpopThumbprint = null;
        string? nonce = null;
        if (request.Dpop is { } proof)
        {
            var checkedProof = await dpop.ValidateAsync(proof, app!.RequireDpopNonce ? app.ClientId : null, cancellationToken);
            if (checkedProof.Error is { } proofRefused) return ExchangeOutcome.Failure(proofRefused) with { DpopNonce = checkedProof.Nonce };
            (dpopThumbprint, nonce) = (checkedProof.Thumbprint, checkedProof.Nonce);
        }
        var outcome = await RedeemAsync(request, request.RefreshToken, snapshot, app!, dpopThumbprint, cancellationToken);
        // RFC 9449 section 8.2: the nonce about to expire is replaced on whatever the answer is.
        return nonce is null ? outcome : outcome with { DpopNonce = nonce };
    }

    private async Task<ExchangeOutcome> RedeemAsync(RefreshRequest request, string refreshToken, TokenExchange.Definitions.DefinitionSnapshot snapshot, TokenExchange.Definitions.AppDefinition app,
        string? dpopThumbprint, CancellationToken cancellationToken)
    {
        var handleGrain = grains.GetGrain<ITokenHandleGrain>(OpaqueTokens.RefreshHandleKey(refreshToken));
        var handle = await retry.CallAsync(handleGrain.Get, cancellationToken);
        if (handle is null || handle.ClientId != app.ClientId)
            return ExchangeOutcome.Failure(Errors.InvalidGrant("the refresh token is not valid", handle is null ? "unknown refresh token" : "refresh token of another client"));
        if (!app.RefreshTokens.Enabled)
            return ExchangeOutcome.Failure(Errors.InvalidGrant("refresh tokens are no longer allowed for this client"));
        var enablement = HandlerChoice.EnablementFor(snapshot.Handlers.GetValueOrDefault(handle.HandlerName), app.ClientId);
        if (enablement is null)
            return ExchangeOutcome.Failure(Errors.InvalidGrant("the token handler is no longer enabled for this client"));

        var session = grains.GetGrain<ISubjectSessionGrain>(handle.SessionKey);
        var requestId = Guid.NewGuid().ToString("N");
        var tokenHash = OpaqueTokens.Hash(refreshToken);
        // Without a proof, the method every silo version has (a rolling upgrade's older silos may host the session).
        var result = await retry.CallAsync(() => dpopThumbprint is null
            ? session.Redeem(handle.FamilyId, tokenHash, app.RefreshTokens, request.Scopes, requestId)
            : session.Redeem(handle.FamilyId, tokenHash, app.RefreshTokens, request.Scopes, requestId, dpopThumbprint), cancellationToken);
        if (result.Error is { } refused) return ExchangeOutcome.Failure(refused);

        var grant = result.Grant!;
        if (GrantedScopes.Narrow(app, request.Scopes, grant.Scopes, out var scopes) is { } scopeRefused) return ExchangeOutcome.Failure(scopeRefused);
        if (Targets.Narrow(app, grant.Audiences, out var audiences) is { } targetRefused) return ExchangeOutcome.Failure(targetRefused);

        var exchange = new AuthorizedExchange
        {
            App = app,
            Enablement = enablement,
            HandlerName = handle.HandlerName,
            SubjectToken = "",
            SubjectTokenType = TokenTypes.RefreshToken,
            RequestedTokenType = TokenTypes.AccessToken,
            Scopes = scopes,
            Audiences = audiences,
            // The refreshed access token is bound to the certificate the app authenticated with now (RFC 8705 section 3).
            CertificateThumbprint = ClientAuthentication.CertificateBinding(app, request.ClientCertificate),
            DpopThumbprint = dpopThumbprint,
        };
        var user = result.User!;
        var tokens = await Minting.IssueAsync(minter, store, exchange, user, TokenExchange.Sessions.SessionKeyUtf8.Of(handle.SessionKey), subjectExpires: null, grant.Act, (result.Token!, result.ExpiresAt), grant.NotAfter, cancellationToken);
        return ExchangeOutcome.Success(tokens, user.Id);
    }
}
