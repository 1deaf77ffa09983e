using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Cli.Commands.Bench;
using TokenExchange.Cli.Commands.Bench.Targets;

namespace TokenExchange.Cli.Tests.Commands.Bench;

/// <summary>
/// Which subjects a run reaches and which tokens it presents (issue 15, fair measurement): random order spreads
/// any window over the whole set; fresh tokens are never presented twice.
/// </summary>
public sealed class SubjectSelectionTests : IDisposable
{
    private static readonly ExchangeTemplate Template = new("bench-app", "secret", null, [], []);
    private readonly string keyFile = Path.GetTempFileName();

    public SubjectSelectionTests()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
    }

    [Fact]
    public async Task Sequential_order_reaches_only_the_first_subjects_of_a_short_run()
    {
        var seen = await SubjectsReachedAsync(SubjectOrder.Sequential, subjects: 1000, requests: 200);

        Assert.Equal(200, seen.Count);
        Assert.All(seen, s => Assert.InRange(Index(s), 0, 199));
    }

    [Fact]
    public async Task Random_order_spreads_a_short_run_over_the_whole_set()
    {
        var seen = await SubjectsReachedAsync(SubjectOrder.Random, subjects: 1000, requests: 400);

        // 400 uniform draws from 1,000: about 330 distinct, and half of them (by expectation) in the upper half.
        Assert.InRange(seen.Count, 250, 400);
        Assert.InRange(seen.Count(s => Index(s) >= 500), 100, 300);
    }

    [Fact]
    public void Fresh_tokens_are_all_different_and_name_subjects_of_the_set()
    {
        var tokens = new SubjectTokens(SubjectKey.Load(keyFile, null), "https://idp.example", "token-exchange", TimeProvider.System);
        var mix = new MixSettings(7, 0, [SubjectTokenKind.Valid], null, 0, ["urn:ietf:params:oauth:token-type:access_token"]);

        var requests = RequestMix.Fresh(Template, mix, SubjectOrder.Random, 50, tokens, TimeSpan.FromMinutes(5));

        Assert.Equal(50, requests.Length);
        Assert.Equal(50, requests.Select(r => r.Grpc.SubjectToken).Distinct().Count());
        Assert.Equal(50, requests.Select(r => new JsonWebToken(r.Grpc.SubjectToken).Id).Distinct().Count());
        Assert.All(requests, r => Assert.InRange(Index(r.Subject), 0, 6));
        Assert.All(requests, r => Assert.Equal(r.Subject, new JsonWebToken(r.Grpc.SubjectToken).Subject));
    }

    public void Dispose() => File.Delete(keyFile);

    private async Task<HashSet<string>> SubjectsReachedAsync(SubjectOrder order, int subjects, int requests)
    {
        var tokens = new SubjectTokens(SubjectKey.Load(keyFile, null), "https://idp.example", "token-exchange", TimeProvider.System);
        var mix = new MixSettings(subjects, 0, [SubjectTokenKind.Valid], null, 0, ["urn:ietf:params:oauth:token-type:access_token"]);
        var prepared = RequestMix.Build(Template, mix, tokens, TimeSpan.FromMinutes(5));
        var target = new RecordingTarget();
        var generator = new LoadGenerator(target, prepared, new BenchRecorder(), order);

        await generator.RunClosedAsync(4, PhaseEnd.AfterRequests(requests), CancellationToken.None);

        Assert.Equal(requests, target.Subjects.Count);
        return [.. target.Subjects];
    }

    private static int Index(string subject) => int.Parse(subject[SubjectTokens.SubjectPrefix.Length..], System.Globalization.CultureInfo.InvariantCulture);

    private sealed class RecordingTarget : IExchangeTarget
    {
        public ConcurrentBag<string> Subjects { get; } = [];

        public Task<ExchangeResult> ExchangeAsync(PreparedExchange request, bool keepTokens, CancellationToken cancellationToken)
        {
            Subjects.Add(request.Subject);
            return Task.FromResult(ExchangeResult.Ok(null));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
