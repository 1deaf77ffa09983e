using System.Diagnostics.Metrics;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Abstractions;
using TokenExchange.Configuration;
using TokenExchange.Core.Handlers;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Grains.Warmup;
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
/// The exchange path of both front doors, end to end but in memory and with nothing of the cluster's (issue 15,
/// warm start): an app, a jwt handler and its identity provider's key that exist only here and are thrown away;
/// a subject token of that provider; the gRPC service's Exchange method (the message parsed from bytes) or the HTTP
/// token endpoint's handler (the form as a request body), each over a <see cref="WarmupFrontDoor"/> of the warm-up's
/// own: the budgets, client authentication, the Core pipeline's rules, the compiled handler's validation, a user from
/// a stand-in for the subject session (in memory, or once the silo runs from its <see cref="IWarmupGrain"/> through
/// the retrying grain call an exchange makes; no user or session is created), the minting of an access token with a
/// throwaway signing key, the event sinks, and the answer in the transport's form. Metrics go to a meter nobody
/// listens to, nothing is logged or audited.
/// </summary>
public sealed class ExchangePathExercise : IWarmupExercise
{
    private const string ClientId = "warmup-app";
    private const string HandlerName = "warmup-idp";
    /// <summary>The issuer of the warm-up's made-up identity provider, in every exercise's keys (a name no real issuer has).</summary>
    public const string IdpIssuer = "https://warmup-idp.invalid";
    private const string SubjectAudience = "warmup";
    private const string Scope = "warmup";
    private const string Audience = "https://warmup-api.invalid";
    private static readonly JsonWebTokenHandler Tokens = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly string clientSecret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
    private readonly SigningKey idpKey = SigningKey.Generate();
    private readonly WarmupFrontDoor inMemory;
    private readonly WarmupFrontDoor throughSilo;
    private readonly string[] repeated;
    private readonly TimeProvider time;

    public ExchangePathExercise(IGrainFactory grains, GrainCallRetry retry, TimeProvider time, IServiceProvider services)
    {
        this.time = time;
        var parsed = ConfigLoader.Parse(Definitions());
        var definitions = new DefinitionSnapshot(1, parsed.Apps, parsed.Handlers);
        var metrics = new TokenExchangeMetrics(new UnlistenedMeters());
        var compiler = new HandlerCompiler(new HttpClient(), null, new JwksCachePolicy(), HandlerTypeCatalog.Empty, time, NullLoggerFactory.Instance, metrics);
        var minter = new TokenMinter(new ThrowawayKeys(), new ClusterIssuer("https://warmup.invalid"), time);
        inMemory = new WarmupFrontDoor(definitions, compiler, new StandInSessions(), minter, metrics, services);
        throughSilo = new WarmupFrontDoor(definitions, compiler, new StandInSessions(grains, retry), minter, metrics, services);
        repeated = [.. Enumerable.Range(0, 16).Select(i => SubjectToken($"warmup-subject-{i}"))];
    }

    /// <summary>Exchanges the warm-up's own front doors recorded (each records one event per exchange, as a silo's does).</summary>
    public int Recorded => inMemory.Recorded + throughSilo.Recorded;

    public async Task ExchangeAsync(int round, WarmupReach reach, CancellationToken cancellationToken)
    {
        // Rounds in pairs (one over each transport): a fresh token, then one presented before, so both the full
        // validation and the verified-token cache's hit are compiled.
        var subjectToken = round / 2 % 2 == 0 ? SubjectToken($"warmup-subject-{round % 64}") : repeated[round % repeated.Length];
        var frontDoor = reach == WarmupReach.ThroughSilo ? throughSilo : inMemory;
        if (round % 2 == 0) await OverGrpcAsync(subjectToken, frontDoor, cancellationToken);
        else await OverHttpAsync(subjectToken, frontDoor, cancellationToken);
    }

    private async Task OverGrpcAsync(string subjectToken, WarmupFrontDoor frontDoor, CancellationToken cancellationToken)
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
        // From bytes and back, as the transport carries them; a refused exchange throws its RpcException.
        var answer = await frontDoor.ExchangeAsync(ProtoRequest.Parser.ParseFrom(message.ToByteArray()), cancellationToken);
        _ = answer.ToByteArray();
    }

    private async Task OverHttpAsync(string subjectToken, WarmupFrontDoor frontDoor, CancellationToken cancellationToken)
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["grant_type"] = GrantTypes.TokenExchange,
            ["client_id"] = ClientId,
            ["client_secret"] = clientSecret,
            ["subject_token"] = subjectToken,
            ["subject_token_type"] = TokenTypes.AccessToken,
            ["scope"] = Scope,
            ["audience"] = Audience,
        });
        var status = await frontDoor.PostFormAsync(await form.ReadAsByteArrayAsync(cancellationToken), cancellationToken);
        // The status only: the answer's body is a throwaway token, or an error naming nothing of the silo's.
        if (status != StatusCodes.Status200OK) throw new InvalidOperationException($"warm-up exchange over the token endpoint answered {status}");
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
