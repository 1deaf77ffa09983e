using System.Diagnostics;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Handlers;
using TokenExchange.Sessions;
using TokenExchange.Tokens;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// A handler definition made ready to run: its implementation (built-in or an operator's), and for a
/// jwt handler its IdP key cache, for an introspection handler its cached IdP answers. It carries out the handler's part of an exchange: validate, map, mint.
/// Each step is a child span of the exchange (<see cref="TokenExchangeTelemetry.Spans"/>); validation is timed.
/// </summary>
public sealed class CompiledHandler(HandlerDefinition definition, IHandlerImplementation implementation, TokenExchangeMetrics metrics)
{
    private static ActivitySource Tracing => TokenExchangeTelemetry.ActivitySource;

    public HandlerDefinition Definition { get; } = definition;

    /// <summary>The IdP key source of a jwt handler, kept across recompiles while the trust settings stay the same.</summary>
    public IKeySource? Keys { get; init; }

    /// <summary>The cached IdP answers of an introspection handler, kept across recompiles while its trust settings stay the same.</summary>
    public IntrospectionCache? Introspection { get; init; }

    public async Task<ExchangeOutcome> ExchangeAsync(AuthorizedExchange exchange, ISubjectSessions sessions, TokenMinter minter, CancellationToken cancellationToken)
    {
        var (subject, actor, invalid) = await ValidateAsync(exchange, cancellationToken).ConfigureAwait(false);
        if (invalid is not null) return ExchangeOutcome.Failure(invalid);
        var (act, delegationError) = Delegation.Act(subject!, actor);
        if (delegationError is not null) return ExchangeOutcome.Failure(delegationError);
        var expires = actor?.ExpiresAt is { } actorExpires && (subject!.ExpiresAt is null || actorExpires < subject.ExpiresAt) ? actorExpires : subject!.ExpiresAt;

        UserResolution resolution;
        using (var span = Tracing.StartActivity(TokenExchangeTelemetry.Spans.Session, ActivityKind.Client))
        {
            resolution = await sessions.ResolveUserAsync(new SubjectUserRequest
            {
                HandlerName = Definition.Name,
                ClientId = exchange.App.ClientId,
                AllowUserCreation = exchange.Enablement.AllowUserCreation,
                Subject = subject!,
                Refresh = exchange.IssueRefreshToken ? RefreshGrantFor(exchange, act, expires) : null,
                RefreshLifetime = exchange.App.RefreshTokens.Lifetime,
                RefreshAbsoluteLifetime = exchange.App.RefreshTokens.EffectiveAbsoluteLifetime,
            }, cancellationToken).ConfigureAwait(false);
            if (resolution.Error is { } refused)
            {
                span.Fail(refused.Code);
                return ExchangeOutcome.Failure(refused);
            }
        }

        using var minting = Tracing.StartActivity(TokenExchangeTelemetry.Spans.Mint);
        var user = resolution.User!;
        var sessionKey = SubjectSessionKey.For(Definition.Name, subject.Issuer, subject.Subject);
        var refresh = resolution.RefreshToken is { } refreshToken ? (refreshToken, resolution.RefreshExpiresAt) : ((string, DateTimeOffset)?)null;
        var tokens = minter.Mint(exchange, user, expires, act, refresh, SubjectSessionKey.SessionId(sessionKey));
        return ExchangeOutcome.Success(await OpaqueAccessTokens.ApplyPolicyAsync(tokens, exchange.App, user.Id, sessionKey, sessions, cancellationToken).ConfigureAwait(false), user.Id);
    }

    /// <summary>
    /// What the refresh token carries forward. A delegated exchange's act chain stays with the family, and so
    /// does the earlier of the subject and actor token's expiry, which no token of the family outlives (unless
    /// the app's policy lets its tokens outlive the subject token).
    /// </summary>
    private RefreshGrant RefreshGrantFor(AuthorizedExchange exchange, string? act, DateTimeOffset? expires) => new()
    {
        ClientId = exchange.App.ClientId,
        HandlerName = Definition.Name,
        Scopes = exchange.Scopes,
        Audiences = exchange.Audiences,
        Act = act,
        NotAfter = act is not null && !exchange.App.AccessToken.MayOutliveSubjectToken ? expires : null,
    };

    /// <summary>The subject token, then the actor token if any, each as strictly; one span, one timing.</summary>
    private async Task<(ValidatedSubject? Subject, ValidatedSubject? Actor, OAuthError? Error)> ValidateAsync(AuthorizedExchange exchange, CancellationToken cancellationToken)
    {
        using var span = Tracing.StartActivity(TokenExchangeTelemetry.Spans.Validate);
        var startedAt = Stopwatch.GetTimestamp();
        var (subject, invalid) = await implementation.ValidateAsync(exchange, cancellationToken).ConfigureAwait(false);
        ValidatedSubject? actor = null;
        if (invalid is null && exchange.ActorToken is { } actorToken)
        {
            // The actor token passes the same handler, as strictly as the subject token.
            var (validatedActor, actorInvalid) = await implementation.ValidateAsync(
                exchange with { SubjectToken = actorToken, SubjectTokenType = exchange.ActorTokenType! }, cancellationToken).ConfigureAwait(false);
            if (actorInvalid is not null)
                invalid = actorInvalid with { Description = "actor_token: " + actorInvalid.Description.Replace("subject_token", "actor_token", StringComparison.Ordinal) };
            actor = validatedActor;
        }
        metrics.Validation(Definition.Name, invalid is null, Stopwatch.GetElapsedTime(startedAt));
        if (invalid is not null) span.Fail(invalid.Code);
        return (subject, actor, invalid);
    }

    /// <summary>The handler's user mapping; run by the subject session when it has no user cached.</summary>
    public async Task<(UserMappingResult? Mapping, OAuthError? Error)> MapUserAsync(SubjectUserRequest request, IHandlerUserDirectory users, CancellationToken cancellationToken)
    {
        using var span = Tracing.StartActivity(TokenExchangeTelemetry.Spans.MapUser);
        var result = await implementation.MapUserAsync(request, users, cancellationToken).ConfigureAwait(false);
        if (result.Error is { } error) span.Fail(error.Code);
        return result;
    }
}
