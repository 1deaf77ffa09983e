using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TokenExchange.Server.Health;
using TokenExchange.Server.Hosting;
using TokenExchange.Server.Tests.Tls;
using TokenExchange.Server.Warmup;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Warmup;

/// <summary>
/// Warm start (issue 15), the warm-up's second part: after its in-memory exchanges it goes on, with calls through
/// both front doors, until the JIT has stopped compiling or <c>--warmup-timeout</c> is up; readiness waits for it,
/// the front doors do not.
/// </summary>
public sealed class JitSettlingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task It_goes_on_until_batches_in_a_row_compile_fewer_methods_than_they_have_rounds_and_only_then_is_done()
    {
        var doors = new CountingFrontDoors();
        // The JIT compiles while the first two batches run, then nothing more.
        var jit = new ScriptedJit(() => Math.Min(doors.Calls, 2 * ExchangeWarmup.Batch));
        var exercise = new CountingExercise();
        var warmup = Warmup(exchanges: 5, timeout: TimeSpan.FromMinutes(1), exercise, doors, jit);

        await StartAsync(warmup);
        await Poll.UntilAsync(() => Task.FromResult(warmup.IsDone), done => done, Patience, "the warm-up done");

        Assert.Equal((2 + ExchangeWarmup.QuietBatches) * ExchangeWarmup.Batch, doors.Calls);
        Assert.Equal(5 + doors.Calls, exercise.Rounds);
    }

    [Fact]
    public async Task A_trickle_of_fewer_methods_than_rounds_a_batch_counts_as_quiet()
    {
        var doors = new CountingFrontDoors();
        // Background work compiling a few methods a batch, whatever the warm-up does.
        var jit = new ScriptedJit(() => doors.Calls / 4);
        var warmup = Warmup(exchanges: 1, timeout: TimeSpan.FromMinutes(1), new CountingExercise(), doors, jit);

        await StartAsync(warmup);
        await Poll.UntilAsync(() => Task.FromResult(warmup.IsDone), done => done, Patience, "the warm-up done");

        Assert.Equal(ExchangeWarmup.QuietBatches * ExchangeWarmup.Batch, doors.Calls);
    }

    [Fact]
    public async Task A_JIT_that_never_goes_quiet_ends_the_warm_up_at_its_timeout_and_says_so()
    {
        var doors = new CountingFrontDoors();
        var logs = new CapturedLogs();
        var warmup = Warmup(exchanges: 1, timeout: TimeSpan.FromMilliseconds(300), new CountingExercise(), doors, new ScriptedJit(() => doors.Calls), logs);

        await StartAsync(warmup);
        await Poll.UntilAsync(() => Task.FromResult(warmup.IsDone), done => done, Patience, "the warm-up done");

        Assert.InRange(doors.Calls, ExchangeWarmup.Batch, int.MaxValue);
        Assert.Contains(logs.Lines, l => l.Message.Contains("was still compiling after --warmup-timeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_no_timeout_the_front_doors_are_never_called()
    {
        var doors = new CountingFrontDoors();
        var warmup = Warmup(exchanges: 3, timeout: TimeSpan.Zero, new CountingExercise(), doors, new ScriptedJit(() => 0));

        await StartAsync(warmup);
        await Poll.UntilAsync(() => Task.FromResult(warmup.IsDone), done => done, Patience, "the warm-up done");

        Assert.Equal(0, doors.Calls);
    }

    [Fact]
    public async Task The_start_waits_for_the_in_memory_exchanges_only_and_readiness_for_the_front_door_calls_too()
    {
        var doors = new CountingFrontDoors { Held = true };
        var warmup = Warmup(exchanges: 2, timeout: TimeSpan.FromMinutes(1), new CountingExercise(), doors, new ScriptedJit(() => 0));

        await StartAsync(warmup);
        await Poll.UntilAsync(() => Task.FromResult(doors.Calls), calls => calls >= 1, Patience, "a front door call");
        Assert.False(warmup.IsDone);

        doors.Release();
        await Poll.UntilAsync(() => Task.FromResult(warmup.IsDone), done => done, Patience, "the warm-up done");
    }

    [Fact]
    public async Task A_front_door_that_fails_ends_the_warm_up_with_a_warning_and_the_silo_becomes_ready()
    {
        var logs = new CapturedLogs();
        var doors = new CountingFrontDoors { Failure = new HttpRequestException("connection refused") };
        var warmup = Warmup(exchanges: 2, timeout: TimeSpan.FromMinutes(1), new CountingExercise(), doors, new ScriptedJit(() => 0), logs);

        await StartAsync(warmup);
        await Poll.UntilAsync(() => Task.FromResult(warmup.IsDone), done => done, Patience, "the warm-up done");

        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("HttpRequestException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_real_server_calls_both_its_front_doors_before_it_is_ready()
    {
        var logs = new CapturedLogs();
        await using var server = await LoopbackServer.StartAsync(null, builder => builder.Logging.AddProvider(logs), "--warmup-exchanges", "4", "--warmup-timeout", "00:00:02");

        await AssertWarmedThroughTheFrontDoorsAsync(server, logs);
    }

    [Fact]
    public async Task Over_TLS_the_warm_up_trusts_the_silo_s_own_certificate()
    {
        using var pki = new TestPki();
        var logs = new CapturedLogs();
        await using var server = await LoopbackServer.StartAsync(null, builder => builder.Logging.AddProvider(logs),
            "--warmup-exchanges", "4", "--warmup-timeout", "00:00:02", "--tls-cert", pki.ServerCertificateFile, "--tls-key", pki.ServerKeyFile);

        await AssertWarmedThroughTheFrontDoorsAsync(server, logs);
    }

    [Fact]
    public void The_option_is_read_and_bounded()
    {
        Assert.Equal(TimeSpan.FromSeconds(20), ServerSettings.From(new ConfigurationBuilder().Build()).WarmupTimeout);
        Assert.Equal(TimeSpan.Zero, Settings("0").WarmupTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), Settings("00:00:30").WarmupTimeout);
        Assert.StartsWith("--warmup-timeout", Assert.Throws<ArgumentException>(() => Settings("00:01:01")).Message);
        Assert.StartsWith("--warmup-timeout", Assert.Throws<ArgumentException>(() => Settings("-00:00:01")).Message);
    }

    private static ServerSettings Settings(string timeout) => ServerSettings.From(new ConfigurationBuilder()
        .AddCommandLine(["--warmup-timeout", timeout], ServerSettings.SwitchMappings.ToDictionary()).Build());

    private static async Task AssertWarmedThroughTheFrontDoorsAsync(TokenExchangeServer server, CapturedLogs logs)
    {
        var warmup = server.Services.GetRequiredService<ExchangeWarmup>();
        await Poll.UntilAsync(() => Task.FromResult(warmup.IsDone), done => done, Patience, "the warm-up done");

        var line = Assert.Single(logs.Lines, l => l.Message.StartsWith("Exchange path warmed up", StringComparison.Ordinal) || l.Message.Contains("warm-up failed", StringComparison.Ordinal));
        Assert.Matches(@"\d+ of them with calls through both front doors", line.Message);
        Assert.DoesNotMatch(@" 0 of them with calls", line.Message);
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains("warm-up failed", StringComparison.Ordinal));
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true }) { BaseAddress = server.HttpAddress };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(HealthEndpoints.ReadyPath)).StatusCode);
    }

    private static ExchangeWarmup Warmup(int exchanges, TimeSpan timeout, IWarmupExercise exercise, IFrontDoorExercise doors, IJitActivity jit, CapturedLogs? logs = null)
    {
        var settings = ServerSettings.From(new ConfigurationBuilder().Build()) with { WarmupExchanges = exchanges, WarmupTimeout = timeout };
        ILoggerFactory factory = logs is null ? NullLoggerFactory.Instance : LoggerFactory.Create(b => b.AddProvider(logs));
        return new ExchangeWarmup(settings, exercise, new NoActivations(), doors, jit, factory.CreateLogger<ExchangeWarmup>());
    }

    /// <summary>The host's order: starting, start (waits for the in-memory exchanges), started (the front doors listen).</summary>
    private static async Task StartAsync(ExchangeWarmup warmup)
    {
        await warmup.StartingAsync(CancellationToken.None);
        await warmup.StartAsync(CancellationToken.None).WaitAsync(Patience);
        await warmup.StartedAsync(CancellationToken.None);
    }

    private sealed class CountingExercise : IWarmupExercise
    {
        private int rounds;

        public int Rounds => Volatile.Read(ref rounds);

        public Task ExchangeAsync(int round, WarmupReach reach, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref rounds);
            return Task.CompletedTask;
        }
    }

    private sealed class NoActivations : IActivationExercise
    {
        public Task ActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class CountingFrontDoors : IFrontDoorExercise
    {
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int calls;

        public bool Held { get; init; }
        public Exception? Failure { get; init; }
        public int Calls => Volatile.Read(ref calls);

        public void Release() => released.TrySetResult();

        public async Task CallAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref calls);
            if (Failure is not null) throw Failure;
            if (Held) await released.Task.WaitAsync(cancellationToken);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class ScriptedJit(Func<long> compiled) : IJitActivity
    {
        public long CompiledMethods => compiled();
    }
}
