using BenchmarkDotNet.Attributes;
using TokenExchange.Definitions;
using TokenExchange.Exchange;

namespace Bench.CorePipeline;

/// <summary>
/// Time and allocations of one exchange on the Core hot path, and of its parts. The subject's session is
/// warm (the steady state: a subject exchanging again), as in the cluster after its first exchange.
/// </summary>
[MemoryDiagnoser]
public class ExchangeBenchmarks
{
    private const int Subjects = 256;

    private ExchangePipeline pipeline = null!;
    private ExchangeRequest[] requests = null!;
    private AuthorizedExchange authorized = null!;
    private UserRecord user = null!;
    private int next;

    [GlobalSetup]
    public void Setup()
    {
        pipeline = new ExchangePipeline();
        requests = Enumerable.Range(0, Subjects).Select(i => pipeline.Request($"bench-subject-{i}")).ToArray();
        foreach (var request in requests)
        {
            var outcome = pipeline.ExchangeAsync(request).GetAwaiter().GetResult();
            if (outcome.Error is { } error) throw new InvalidOperationException($"warm-up exchange failed: {error.Code} {error.Description}");
        }
        authorized = pipeline.Authorize(requests[0]).Exchange!;
        user = new UserRecord { Id = "u-0123456789abcdef01234567", FederationId = "bench-subject-0" };
    }

    private ExchangeRequest NextRequest() => requests[next++ % Subjects];

    [Benchmark(Baseline = true, Description = "exchange (authorize, validate, resolve user, mint)")]
    public Task<ExchangeOutcome> Exchange() => pipeline.ExchangeAsync(NextRequest());

    [Benchmark(Description = "authorize (request rules, client secret)")]
    public Authorization Authorize() => pipeline.Authorize(NextRequest());

    [Benchmark(Description = "validate (ES256 subject token)")]
    public ValueTask<TokenExchange.Core.Handlers.JwtValidationResult> Validate() => pipeline.ValidateAsync(NextRequest());

    [Benchmark(Description = "mint (ES256 access token)")]
    public IssuedTokens Mint() => pipeline.Mint(authorized, user);
}
