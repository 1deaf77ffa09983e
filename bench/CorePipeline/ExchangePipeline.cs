using System.Security.Cryptography;
using Bench.Shared;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Configuration;
using TokenExchange.Core.Handlers;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Tokens;
using CoreExchangePipeline = TokenExchange.Exchange.ExchangePipeline;

namespace Bench.CorePipeline;

/// <summary>
/// One exchange through the Core code the server runs, without Orleans and without the wire: Core's
/// ExchangePipeline (its rules, the compiled jwt handler's subject token validation, the subject session's user
/// resolution in memory, TokenMinter). Configured from the runner's own bench YAML.
/// </summary>
public sealed class ExchangePipeline
{
    private readonly CoreExchangePipeline rules = new(new ExchangeLimits());
    private readonly DefinitionSnapshot definitions;
    private readonly CompiledHandler handler;
    private readonly InMemorySessions sessions;
    private readonly TokenMinter minter;
    private readonly SubjectTokens subjectTokens;
    private readonly JwtSubjectTokenValidator validator;

    public ExchangePipeline(BenchConfig? config = null)
    {
        Config = config ?? new BenchConfig();
        var idpKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = SubjectKeyFiles.PublicJwk(idpKey);
        subjectTokens = new SubjectTokens(new ECDsaSecurityKey(idpKey) { KeyId = jwk["kid"] }, Config.SubjectIssuer, Config.SubjectAudience);

        var parsed = ConfigLoader.Parse(Config.ToClusterYaml(jwk));
        definitions = new DefinitionSnapshot(1, parsed.Apps, parsed.Handlers);
        var compiler = new HandlerCompiler(new HttpClient(), null, new JwksCachePolicy(), HandlerTypeCatalog.Load(null), TimeProvider.System, NullLoggerFactory.Instance, new TokenExchangeMetrics(new UnobservedMeters()));
        var definition = definitions.Handlers[Config.HandlerName];
        handler = compiler.Compile(definition);
        // The same validation the compiled handler runs, reachable on its own for the per-stage figure.
        validator = new JwtSubjectTokenValidator(Config.SubjectIssuer, definition.Trust.Audiences, definition.Trust.Algorithms,
            definition.Trust.ClockSkew, handler.Keys!, TimeProvider.System);
        sessions = new InMemorySessions(_ => handler, new InMemoryUserDirectory());
        minter = new TokenMinter(new FixedSigningKey(SigningKey.Generate()), new ClusterIssuer("http://127.0.0.1:8080"), TimeProvider.System);
    }

    public BenchConfig Config { get; }

    /// <summary>A token exchange request as the front door parses it, for one synthetic subject.</summary>
    public ExchangeRequest Request(string subject) => new()
    {
        ClientId = Config.ClientId,
        ClientSecret = Config.ClientSecret,
        SubjectToken = subjectTokens.Mint(subject, TimeSpan.FromHours(2)),
        SubjectTokenType = TokenTypes.AccessToken,
        Scopes = [Config.Scope],
    };

    public Authorization Authorize(ExchangeRequest request) => rules.Authorize(request, definitions);

    public async Task<ExchangeOutcome> ExchangeAsync(ExchangeRequest request)
    {
        var authorization = Authorize(request);
        if (authorization.Error is { } refused) return ExchangeOutcome.Failure(refused);
        return await rules.ExchangeAsync(authorization.Exchange!, handler, sessions, minter, CancellationToken.None);
    }

    public ValueTask<JwtValidationResult> ValidateAsync(ExchangeRequest request) => validator.ValidateAsync(request.SubjectToken!, request.SubjectTokenType ?? TokenTypes.AccessToken, CancellationToken.None);

    public IssuedTokens Mint(AuthorizedExchange exchange, UserRecord user) => minter.Mint(exchange, user, DateTimeOffset.UtcNow.AddHours(1));

    private sealed class FixedSigningKey(SigningKey key) : ISigningKeySource
    {
        public SigningKeyRing Ring { get; } = new([key]);
    }
}
