using System.Diagnostics;
using System.Runtime.CompilerServices;
using TokenExchange.Core.Handlers;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange.Rules;
using TokenExchange.Sessions;
using TokenExchange.Tokens;

namespace TokenExchange.Exchange;

/// <summary>
/// The token exchange (RFC 8693), top to bottom: each line below is one rule, in the order it is applied, and the
/// first rule that fails answers the request with its one OAuth error. Each rule is a file of its own under
/// <c>Exchange/Rules</c>, unit-tested alone (docs/architecture.md, "Where each rule lives").
/// <para>
/// The edges are not here: the transports parse and answer (gRPC, HTTP), the silo's front door charges the rate
/// limits before and records the one token event after, finds the compiled handler and turns a failed grain call
/// into its OAuth error. The subject session, the exchange's one grain call, is reached through
/// <see cref="ISubjectSessions"/>.
/// </para>
/// Stateless and shared by every request: the rules are static functions, without LINQ or closures on the
/// exchange's path.
/// </summary>
/// <param name="transactionTokens">The cluster as its trust domain's transaction token service; null: transaction tokens are not offered.</param>
public sealed class ExchangePipeline(ExchangeLimits limits, TransactionTokens? transactionTokens = null)
{
    private static ActivitySource Tracing => TokenExchangeTelemetry.ActivitySource;

    /// <summary>
    /// The rules that read only the request and the definitions (the silo's cached snapshot): pure and synchronous,
    /// so a request that fails them costs no token validation and no grain call.
    /// </summary>
    /// <param name="authenticated">
    /// The client's authentication of this request against these definitions, when the caller has it already (the
    /// front door authenticates once for the rate limits and for this); else step 1 authenticates.
    /// </param>
    public Authorization Authorize(ExchangeRequest request, DefinitionSnapshot definitions, (AppDefinition? App, OAuthError? Error)? authenticated = null)
    {
        // The request is well-formed.
        if (RequiredParameters.Check(request) is { } missing) return missing;
        if (InputLimits.Check(request, limits) is { } oversized) return oversized;
        if (ParameterCharacters.Check(request) is { } unprintable) return unprintable;
        if (KnownTokenTypes.Check(request, out var subjectTokenType, out var actorTokenType) is { } unknownType) return unknownType;
        // Transaction tokens (draft-ietf-oauth-transaction-tokens-10): what a Txn-Token Request needs; one is accepted only to be replaced.
        if (TransactionTokenForm.Check(request, subjectTokenType, actorTokenType, out var transaction) is { } txnMalformed) return txnMalformed;
        if (transaction != TransactionTokenKind.None && transactionTokens is null) return Errors.InvalidRequest("this server does not issue transaction tokens");
        if (DisguisedTransactionTokens.Check(request, subjectTokenType) is { } disguised) return disguised;
        if (TransactionContext.Check(request, limits, out var details, out var context) is { } badContext) return badContext;

        // 1. Authenticate the client.
        var (app, unauthenticated) = authenticated ?? ClientAuthentication.Authenticate(definitions, request.ClientId, request.ClientSecret, requireSecret: false, request.ClientCertificate);
        if (app is null) return unauthenticated!;
        // 2. Token exchange is enabled for it.
        if (TokenExchangeEnabled.Check(app) is { } disabled) return disabled;
        // An app that requires DPoP sent a proof (checked after authorization, by the front door).
        if (DpopRequirement.Check(app, request.Dpop is not null) is { } noProof) return noProof;
        // 2a. Transaction tokens: the app's policy lets it be issued them, or replace them.
        if (TransactionTokenPermission.Check(app, transaction) is { } notPermitted) return notPermitted;
        TransactionTokenRequest? txn = transaction == TransactionTokenKind.None ? null
            : new() { Kind = transaction, Details = details, Context = context, RequesterAddress = request.ClientAddress };
        if (transaction == TransactionTokenKind.Replace) return AuthorizeReplacement(request, app, subjectTokenType, txn!);
        // 3. Choose the handler: named or the app's default, enabled for the app, enabled itself.
        if (HandlerChoice.Choose(definitions, app, request.TokenHandler, out var handler, out var enablement) is { } noHandler) return noHandler;
        // 4. Token types: the handler accepts the subject's and the actor's; the requested one may be issued.
        if (AcceptedTokenTypes.Check(handler, subjectTokenType, actorTokenType) is { } unaccepted) return unaccepted;
        if (RequestedTokenType.Check(app, request.RequestedTokenType, out var requestedTokenType) is { } notIssued) return notIssued;
        // 5. Scopes.
        if (GrantedScopes.Grant(app, request.Scopes, out var scopes) is { } scopeRefused) return scopeRefused;
        if (RequestedTokenType.CheckOpenId(requestedTokenType, scopes) is { } noOpenId) return noOpenId;
        // 6. Targets: audiences and resources.
        //    A transaction token's one audience is the trust domain.
        string[] audiences;
        if (txn is not null)
        {
            if (TransactionTokenTargets.Check(request, transactionTokens!.TrustDomain) is { } notTrustDomain) return notTrustDomain;
            audiences = [transactionTokens.TrustDomain];
        }
        else if (Targets.Resolve(app, request.Audiences, request.Resources, out audiences) is { } targetRefused) return targetRefused;

        return new AuthorizedExchange
        {
            App = app,
            Enablement = enablement,
            HandlerName = handler.Name,
            SubjectToken = request.SubjectToken!,
            SubjectTokenType = subjectTokenType,
            RequestedTokenType = requestedTokenType,
            Scopes = scopes,
            Audiences = audiences,
            ActorToken = actorTokenType is null ? null : request.ActorToken,
            ActorTokenType = actorTokenType,
            // A transaction token is never refreshable (the draft's "Txn-Token Response": no refresh_token).
            IssueRefreshToken = txn is null && RequestedTokenType.IssuesRefreshToken(app, requestedTokenType, scopes),
            CertificateThumbprint = ClientAuthentication.CertificateBinding(app, request.ClientCertificate),
            Transaction = txn,
        };
    }

    /// <summary>
    /// A transaction token presented for replacement: no handler (the cluster verifies its own token), its scopes
    /// among the app's, its audience the trust domain.
    /// </summary>
    private Authorization AuthorizeReplacement(ExchangeRequest request, AppDefinition app, string subjectTokenType, TransactionTokenRequest txn)
    {
        if (GrantedScopes.Grant(app, request.Scopes, out var scopes) is { } scopeRefused) return scopeRefused;
        if (TransactionTokenTargets.Check(request, transactionTokens!.TrustDomain) is { } targetRefused) return targetRefused;
        return new AuthorizedExchange
        {
            App = app,
            Enablement = new HandlerAppEnablement { ClientId = app.ClientId },
            HandlerName = "",
            SubjectToken = request.SubjectToken!,
            SubjectTokenType = subjectTokenType,
            RequestedTokenType = TokenTypes.TxnToken,
            Scopes = scopes,
            Audiences = [transactionTokens.TrustDomain],
            Transaction = txn,
        };
    }

    /// <summary>
    /// Replace a transaction token (draft-ietf-oauth-transaction-tokens-10, "Txn-Token as a subject_token"): verify it
    /// against the cluster's keys, narrow, mint. No handler and no grain call: the token names its user already.
    /// </summary>
    public async Task<ExchangeOutcome> ReplaceAsync(AuthorizedExchange exchange)
    {
        // 7. Verify the presented transaction token.
        var (presented, invalid) = await transactionTokens!.VerifyAsync(exchange.SubjectToken).ConfigureAwait(false);
        if (invalid is not null) return ExchangeOutcome.Failure(invalid);
        // 8. Equal or narrower scope; a bounded call chain.
        if (TransactionTokenReplacement.Check(exchange.Scopes, presented!) is { } refused) return ExchangeOutcome.Failure(refused);
        // 9. Mint: same txn and sub, this app the requester.
        using var minting = Tracing.StartActivity(TokenExchangeTelemetry.Spans.Mint);
        return ExchangeOutcome.Success(transactionTokens.Replace(exchange, presented!), presented!.Subject) with
        {
            Transaction = new TransactionTokenRecord(TransactionTokenRecord.Replaced, presented.TransactionId),
        };
    }

    /// <summary>
    /// The rules that need the chosen handler and the subject session: validate, delegate, resolve the user, mint.
    /// Each is a child span of the exchange (<see cref="TokenExchangeTelemetry.Spans"/>).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ExchangeOutcome> ExchangeAsync(AuthorizedExchange exchange, CompiledHandler handler, ISubjectSessions sessions, TokenMinter minter, CancellationToken cancellationToken)
    {
        ValidatedSubject? subject, actor = null;
        OAuthError? invalid;
        using (var validation = handler.StartValidation())
        {
            // 7. Validate the subject token.
            (subject, invalid) = await SubjectTokenValidation.ValidateAsync(handler.Implementation, exchange, cancellationToken).ConfigureAwait(false);
            // 8. Validate the actor token, as strictly.
            if (invalid is null) (actor, invalid) = await ActorTokenValidation.ValidateAsync(handler.Implementation, exchange, cancellationToken).ConfigureAwait(false);
            validation.Complete(invalid);
        }
        if (invalid is not null) return ExchangeOutcome.Failure(invalid);
        // 8a. A transaction token's scope is within the subject token's.
        if (exchange.Transaction is not null && TransactionTokenIssuance.CheckScopes(exchange.Scopes, subject!) is { } wider) return ExchangeOutcome.Failure(wider);

        // 9. Delegation: the act claim.
        var (act, delegationRefused) = Delegation.Act(subject!, actor);
        if (delegationRefused is not null) return ExchangeOutcome.Failure(delegationRefused);
        var expires = ActorTokenValidation.EarlierExpiry(subject!, actor);

        // 10. Resolve the user, in the subject session (the edge: a grain call).
        var sessionKey = SubjectSessionKey.Utf8For(exchange.HandlerName, subject!.Issuer, subject.Subject);
        UserResolution resolution;
        using (var span = Tracing.StartActivity(TokenExchangeTelemetry.Spans.Session, ActivityKind.Client))
        {
            resolution = await sessions.ResolveUserAsync(sessionKey, UserResolutionRequest.For(exchange, subject, act, expires), cancellationToken).ConfigureAwait(false);
            if (resolution.Error is { } refused)
            {
                span.Fail(refused.Code);
                return ExchangeOutcome.Failure(refused);
            }
        }

        // 11. Mint.
        using var minting = Tracing.StartActivity(TokenExchangeTelemetry.Spans.Mint);
        var user = resolution.User!;
        if (exchange.Transaction is not null)
        {
            var (issued, transactionId) = transactionTokens!.Issue(exchange, user.Id, expires, TransactionTokenIssuance.Authentication(subject!));
            return ExchangeOutcome.Success(issued, user.Id) with { Transaction = new TransactionTokenRecord(TransactionTokenRecord.Issued, transactionId) };
        }
        var refresh = resolution.RefreshToken is { } refreshToken ? (refreshToken, resolution.RefreshExpiresAt) : ((string, DateTimeOffset)?)null;
        var tokens = await Minting.IssueAsync(minter, sessions, exchange, user, sessionKey, expires, act, refresh, notAfter: null, cancellationToken).ConfigureAwait(false);
        return ExchangeOutcome.Success(tokens, user.Id);
    }
}
