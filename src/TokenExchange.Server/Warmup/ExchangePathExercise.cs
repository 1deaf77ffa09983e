using System.Diagnostics.Metrics;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Abstractions;
using TokenExchange.Configuration;
using TokenExchange.Core.Handlers;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Grains.Warmup;
using TokenExchange.Server.Grpc;
using TokenExchange.Server.Http;
using TokenExchange.Sessions;
using TokenExchange.Silo;
using TokenExchange.Tokens;
using ProtoRequest = TokenExchange.Protos.V1.ExchangeRequest;

namespace TokenExchange.Server.Warmup;

/// <summary>What the warm-up runs, one exchange a call (a seam: tests hold it to watch readiness wait).</summary>
public interface IWarmupExercise
{
    Task ExchangeAsync(int round, WarmupReach reach, CancellationToken cancellationToken);
}

/// <summary>Where a warm-up exchange finds its subject's user.</summary>
public enum WarmupReach
{
    /// <summary>In memory: the silo may not have started yet.</summary>
    InMemory,

    /// <summary>Through a grain call to this silo's <see cref="IWarmupGrain"/>, as a real exchange calls its subject's session.</summary>
    ThroughSilo,
}

/// <summary>
/// The exchange path of a front door, end to end but in memory and with nothing of the cluster's (issue 15,
/// warm start): an app, a jwt handler and its identity provider's key that exist only here and are thrown away;
/// a subject token of that provider; the gRPC message (parsed from bytes, mapped to the exchange's request) or
/// the HTTP form (parsed by the token endpoint's parser); the Core pipeline's rules, the compiled handler's
/// validation, a user from a stand-in for the subject session (in memory, or once the silo runs from its
/// <see cref="IWarmupGrain"/> through the retrying grain call an exchange makes; no user or session is created),
/// the minting of an access token with a throwaway signing key, and its answer in the transport's form. Metrics go to a meter nobody listens to, nothing is logged.
/// </summary>
public sealed class ExchangePathExercise : IWarmupExercise
{
    private const string ClientId = "warmup-app";
    private const string HandlerName = "warmup-idp";
    private const string IdpIssuer = "https://warmup-idp.invalid";
    private const string SubjectAudience = "warmup";
    private const string Scope = "warmup";
    private const string Audience = "https://warmup-api.invalid";
    private static readonly JsonWebTokenHandler Tokens = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly string clientSecret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
    private readonly SigningKey idpKey = SigningKey.Generate();
    private readonly ExchangePipeline pipeline;
    private readonly DefinitionSnapshot definitions;
    private readonly CompiledHandler handler;
    private readonly TokenMinter minter;
    private readonly StandInSessions inMemory = new();
    private readonly StandInSessions throughSilo;
    private readonly string[] repeated;
    private readonly IServiceProvider services;
    private readonly TimeProvider time;

    public ExchangePathExercise(ExchangePipeline pipeline, IGrainFactory grains, GrainCallRetry retry, TimeProvider time, IServiceProvider services)
    {
        this.pipeline = pipeline;
        throughSilo = new StandInSessions(grains, retry);
        this.time = time;
        this.services = services;
        var parsed = ConfigLoader.Parse(Definitions());
        definitions = new DefinitionSnapshot(1, parsed.Apps, parsed.Handlers);
        var compiler = new HandlerCompiler(new HttpClient(), null, new JwksCachePolicy(), HandlerTypeCatalog.Empty, time, NullLoggerFactory.Instance,
            new TokenExchangeMetrics(new UnlistenedMeters()));
        handler = compiler.Compile(definitions.Handlers[HandlerName]);
        minter = new TokenMinter(new ThrowawayKeys(), new ClusterIssuer("https://warmup.invalid"), time);
        repeated = [.. Enumerable.Range(0, 16).Select(i => SubjectToken($"warmup-subject-{i}"))];
    }

    public async Task ExchangeAsync(int round, WarmupReach reach, CancellationToken cancellationToken)
    {
        // Rounds in pairs (one over each transport): a fresh token, then one presented before, so both the full
        // validation and the verified-token cache's hit are compiled.
        var subjectToken = round / 2 % 2 == 0 ? SubjectToken($"warmup-subject-{round % 64}") : repeated[round % repeated.Length];
        ISubjectSessions sessions = reach == WarmupReach.ThroughSilo ? throughSilo : inMemory;
        if (round % 2 == 0) await OverGrpcAsync(subjectToken, sessions, cancellationToken);
        else await OverHttpAsync(subjectToken, sessions, cancellationToken);
    }

    private async Task OverGrpcAsync(string subjectToken, ISubjectSessions sessions, CancellationToken cancellationToken)
    {
        var message = new ProtoRequest
        {
            ClientId = ClientId,
            ClientSecret = clientSecret,
            SubjectToken = subjectToken,
            SubjectTokenType = TokenTypes.AccessToken,
            Scope = { Scope },
            Audience = { Audience },
        };
        var received = ProtoRequest.Parser.ParseFrom(message.ToByteArray());
        var outcome = await ExchangeAsync(TokenExchangeGrpcService.ToCore(received, "127.0.0.1", null), sessions, cancellationToken);
        _ = TokenExchangeGrpcService.ToProto(outcome.Tokens!).ToByteArray();
    }

    private async Task OverHttpAsync(string subjectToken, ISubjectSessions sessions, CancellationToken cancellationToken)
    {
        var form = new FormCollection(new Dictionary<string, StringValues>(StringComparer.Ordinal)
        {
            ["grant_type"] = GrantTypes.TokenExchange,
            ["client_id"] = ClientId,
            ["client_secret"] = clientSecret,
            ["subject_token"] = subjectToken,
            ["subject_token_type"] = TokenTypes.AccessToken,
            ["scope"] = Scope,
            ["audience"] = Audience,
        });
        var parsed = TokenRequestParser.Parse(form, null, "127.0.0.1");
        if (parsed.Error is { } error) throw new InvalidOperationException($"warm-up request refused: {error.Code} {error.Description}");
        var outcome = await ExchangeAsync(parsed.Request!, sessions, cancellationToken);
        var http = new DefaultHttpContext { RequestServices = services };
        http.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        await OAuthResponses.Tokens(http, outcome.Tokens!).ExecuteAsync(http);
    }

    private async Task<ExchangeOutcome> ExchangeAsync(ExchangeRequest request, ISubjectSessions sessions, CancellationToken cancellationToken)
    {
        var authorization = pipeline.Authorize(request, definitions);
        if (authorization.Error is { } refused) throw new InvalidOperationException($"warm-up request refused: {refused.Code} {refused.Description}");
        var outcome = await pipeline.ExchangeAsync(authorization.Exchange!, handler, sessions, minter, cancellationToken);
        return outcome.Error is { } failed ? throw new InvalidOperationException($"warm-up exchange failed: {failed.Code} {failed.Description}") : outcome;
    }

    private string SubjectToken(string subject)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return Tokens.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = IdpIssuer,
            Audience = SubjectAudience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = subject, [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N") },
            SigningCredentials = idpKey.Credentials,
        });
    }

    /// <summary>The warm-up's app and handler, as a configuration file would give them (JSON is YAML).</summary>
    private string Definitions() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["apps"] = new[]
        {
            new Dictionary<string, object>
            {
                ["clientId"] = ClientId,
                ["clientSecret"] = clientSecret,
                ["tokenExchange"] = new Dictionary<string, object> { ["enabled"] = true, ["requireSecret"] = true },
                ["allowedScopes"] = new[] { Scope },
                ["allowedAudiences"] = new[] { Audience },
                ["accessToken"] = new Dictionary<string, object> { ["format"] = "jwt", ["lifetime"] = "00:05:00" },
            },
        },
        ["handlers"] = new[]
        {
            new Dictionary<string, object>
            {
                ["name"] = HandlerName,
                ["implementation"] = "jwt",
                ["acceptedTokenTypes"] = new[] { "access_token", "jwt" },
                ["issuer"] = IdpIssuer,
                ["jwks"] = JsonDocument.Parse(new SigningKeyRing([idpKey]).Jwks).RootElement,
                ["audiences"] = new[] { SubjectAudience },
                ["algorithms"] = new[] { "ES256" },
                ["userMapping"] = new Dictionary<string, object> { ["claim"] = "sub", ["attribute"] = "federationId" },
                ["apps"] = new[] { new Dictionary<string, object> { ["clientId"] = ClientId, ["default"] = true, ["allowUserCreation"] = true } },
            },
        },
    });

    /// <summary>
    /// Where the cluster would call the subject's session grain: a made-up user per subject (<see cref="WarmupGrain.UserFor"/>),
    /// in memory, or from this silo's <see cref="IWarmupGrain"/> called as <c>GrainSubjectSessions</c> calls a session
    /// (a grain reference resolved once, the call through <see cref="GrainCallRetry"/>).
    /// </summary>
    private sealed class StandInSessions(IGrainFactory? grains = null, GrainCallRetry? retry = null) : ISubjectSessions
    {
        private IWarmupGrain? grain;

        public ValueTask<UserResolution> ResolveUserAsync(SessionKeyUtf8 sessionKey, SubjectUserRequest request, CancellationToken cancellationToken) =>
            grains is null || retry is null
                ? ValueTask.FromResult(WarmupGrain.UserFor(request))
                : retry.CallAsync(static (call, cancellationToken) => call.Grain.ResolveUser(call.Request, cancellationToken), (Grain: grain ??= grains.GetGrain<IWarmupGrain>(0), Request: request), cancellationToken);

        public Task StoreAsync(string handleKey, OpaqueAccessToken token, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the warm-up's app issues JWT access tokens, never opaque ones");
    }

    private sealed class ThrowawayKeys : ISigningKeySource
    {
        public SigningKeyRing Ring { get; } = new([SigningKey.Generate()]);
    }

    /// <summary>Meters under a name no listener subscribes to: the warm-up's validations stay out of the silo's metrics.</summary>
    private sealed class UnlistenedMeters : IMeterFactory
    {
        private readonly List<Meter> meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter("TokenExchange.Warmup", options.Version);
            lock (meters) meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            lock (meters) meters.ForEach(m => m.Dispose());
        }
    }
}
