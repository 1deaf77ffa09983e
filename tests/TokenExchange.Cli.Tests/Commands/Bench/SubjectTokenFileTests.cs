using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Cli.Commands.Bench;

namespace TokenExchange.Cli.Tests.Commands.Bench;

/// <summary>
/// <c>--subject-tokens-file</c> (issue 15, fair scale measurement): every run that names the file presents the same
/// token for each subject, so a token verified once is a cache hit in later runs, as for an active subject.
/// </summary>
public sealed class SubjectTokenFileTests : IDisposable
{
    private static readonly ExchangeTemplate Template = new("bench-app", "secret", null, [], []);
    private readonly string keyFile = Path.GetTempFileName();
    private readonly string tokensFile = Path.Combine(Path.GetTempPath(), "tokens-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);

    public SubjectTokenFileTests()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
    }

    [Fact]
    public async Task A_second_run_presents_the_tokens_the_first_wrote_one_per_subject()
    {
        var first = await RequestsAsync(subjects: 5);
        var second = await RequestsAsync(subjects: 5);

        Assert.Equal(first, second);
        Assert.Equal(5, first.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 5).Select(SubjectTokens.Subject), first.Select(t => new JsonWebToken(t).Subject));
        Assert.Equal(5, File.ReadAllLines(tokensFile).Length);
    }

    [Fact]
    public async Task More_subjects_keep_the_tokens_of_the_first_and_add_their_own()
    {
        var few = await RequestsAsync(subjects: 3);
        var more = await RequestsAsync(subjects: 5);

        Assert.Equal(few, more[..3]);
        Assert.Equal(5, more.Distinct().Count());
        Assert.Equal(["bench-user-3", "bench-user-4"], more[3..].Select(t => new JsonWebToken(t).Subject));
    }

    [Fact]
    public async Task Tokens_ending_within_the_hour_are_minted_afresh()
    {
        var first = await RequestsAsync(subjects: 5);
        time.Advance(SubjectTokenFile.Lifetime - SubjectTokenFile.MinimumLeft + TimeSpan.FromMinutes(1));
        var later = await RequestsAsync(subjects: 5);

        Assert.Empty(later.Intersect(first));
        Assert.All(later, t => Assert.True(new JsonWebToken(t).ValidTo > time.GetUtcNow().UtcDateTime + SubjectTokenFile.MinimumLeft));
    }

    [Fact]
    public async Task A_file_that_holds_no_tokens_is_minted_over()
    {
        await File.WriteAllLinesAsync(tokensFile, ["not", "a", "token"]);

        var tokens = await RequestsAsync(subjects: 2);

        Assert.All(tokens, t => Assert.StartsWith("bench-user-", new JsonWebToken(t).Subject, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        File.Delete(keyFile);
        File.Delete(tokensFile);
    }

    /// <summary>The subject tokens of a run's requests, in subject order, as txctl bench prepares them with the file.</summary>
    private async Task<string[]> RequestsAsync(int subjects)
    {
        var tokens = new SubjectTokens(SubjectKey.Load(keyFile, null), "https://idp.example", "token-exchange", time);
        tokens.Saved = await SubjectTokenFile.LoadOrMintAsync(tokensFile, subjects, tokens, time, CancellationToken.None);
        var mix = new MixSettings(subjects, 0, [SubjectTokenKind.Valid], null, 0, ["urn:ietf:params:oauth:token-type:access_token"]);
        var requests = RequestMix.Build(Template, mix, tokens, TimeSpan.FromMinutes(5), minimumLength: 0);
        return [.. requests.Select(r => r.Grpc.SubjectToken)];
    }
}
