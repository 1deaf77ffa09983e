using System.Net;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenExchange.Abstractions;
using TokenExchange.Grains.Users;
using TokenExchange.Handlers;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Health;
using TokenExchange.Server.Hosting;
using TokenExchange.Server.Warmup;
using TokenExchange.Silo.Events;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Warmup;

/// <summary>
/// Warm start (issue 15): the exchange path runs in memory before the silo reports ready, and readiness waits
/// for it; the exercise goes through both transports' mapping and creates nothing in the cluster.
/// </summary>
public sealed class ExchangeWarmupTests
{
    [Fact]
    public async Task Readiness_waits_for_the_warm_up_and_the_front_doors_open_once_it_has_run_every_exchange()
    {
        var exercise = new HeldExercise();
        await using var server = LoopbackServer.Create(["--warmup-exchanges", "3"], builder => builder.Services.AddSingleton<IWarmupExercise>(exercise));
        var starting = server.StartAsync();
        await exercise.Started.WaitAsync(TimeSpan.FromSeconds(30));

        // The silo comes up meanwhile; the warm-up holds readiness, and the start (so the front doors) with it.
        var report = await Poll.UntilAsync(ReadyReport(server), r => r.Entries["cluster"].Status == HealthStatus.Healthy, TimeSpan.FromSeconds(60), "the silo active");
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["warmup"].Status);
        Assert.Equal("exchange path warming up", report.Entries["warmup"].Description);
        Assert.False(starting.IsCompleted);

        exercise.Release();
        await starting.WaitAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(HealthEndpoints.ReadyPath)).StatusCode);
        Assert.Equal("exchange path warmed up", (await ReadyReport(server)()).Entries["warmup"].Description);
        Assert.Equal([0, 1, 2], exercise.Rounds);
    }

    [Fact]
    public async Task With_the_warm_up_off_the_exercise_never_runs_and_the_silo_becomes_ready()
    {
        var exercise = new HeldExercise();
        await using var server = await LoopbackServer.StartAsync(null, builder => builder.Services.AddSingleton<IWarmupExercise>(exercise), "--warmup-exchanges", "0");
        using var http = new HttpClient { BaseAddress = server.HttpAddress };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(HealthEndpoints.ReadyPath)).StatusCode);
        Assert.Empty(exercise.Rounds);
    }

    [Fact]
    public async Task The_real_exercise_exchanges_over_both_transports_mappings_without_creating_users_in_the_cluster()
    {
        await using var server = await LoopbackServer.StartAsync(null, "--warmup-exchanges", "20");
        Assert.True(server.Services.GetRequiredService<ExchangeWarmup>().IsDone);

        // It throws on any refused or failed exchange: even rounds go over the gRPC mapping, odd ones over the HTTP form.
        var exercise = server.Services.GetRequiredService<IWarmupExercise>();
        Assert.IsType<ExchangePathExercise>(exercise);
        foreach (var reach in new[] { WarmupReach.InMemory, WarmupReach.ThroughSilo })
        {
            for (var round = 0; round < 4; round++) await exercise.ExchangeAsync(round, reach, CancellationToken.None);
        }

        var users = server.Services.GetRequiredService<GrainUserDirectory>();
        Assert.Null(await users.FindIdAsync(UserField.FederationId, "warmup-subject-0"));
        Assert.Null(await users.FindIdAsync(UserField.FederationId, "warmup-subject-1"));
    }

    [Fact]
    public async Task The_warm_up_runs_the_front_doors_own_code_over_a_front_door_of_its_own_and_reaches_none_of_the_silo_s_event_sinks()
    {
        var silo = new SiloEvents();
        await using var server = await LoopbackServer.StartAsync(null, builder => builder.Services.AddSingleton<ITokenEventSink>(silo), "--warmup-exchanges", "20");
        var exercise = Assert.IsType<ExchangePathExercise>(server.Services.GetRequiredService<IWarmupExercise>());

        // Every exchange went through an ExchangeFrontDoor (each records one event), the warm-up's own: the gRPC
        // service method and the token endpoint's handler ran, and none of it reached the silo's sinks (audit,
        // metrics, recent exchanges).
        Assert.Equal(20, exercise.Recorded);
        await exercise.ExchangeAsync(20, WarmupReach.ThroughSilo, CancellationToken.None);
        await exercise.ExchangeAsync(21, WarmupReach.ThroughSilo, CancellationToken.None);
        Assert.Equal(22, exercise.Recorded);
        Assert.Equal(0, silo.Count);

        // Its app exists only in the warm-up: a request naming it at either real door is an unknown client, and
        // each refusal is an event of the silo's own.
        using var clients = new Clients(new LoopbackAddresses(server));
        var request = new ExchangeRequest { ClientId = "warmup-app", ClientSecret = "guess", SubjectToken = "x", SubjectTokenType = Clients.AccessTokenType };
        using var refused = await clients.PostToken(request);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("invalid_client", await refused.Content.ReadAsStringAsync());
        var (status, code, _) = await clients.GrpcFailure(request);
        Assert.Equal(StatusCode.Unauthenticated, status);
        Assert.Equal("invalid_client", code);
        Assert.Equal(2, silo.Count);
    }

    [Fact]
    public async Task Once_the_silo_runs_the_warm_up_calls_its_warm_up_grain_and_activates_grains_of_new_subjects_with_reads_only()
    {
        var calls = new GrainCalls();
        await using var server = await LoopbackServer.StartAsync(null, builder => builder.Services.AddSingleton<IIncomingGrainCallFilter>(calls),
            "--warmup-exchanges", "4", "--warmup-timeout", "00:00:02");
        var warmup = server.Services.GetRequiredService<ExchangeWarmup>();
        await Poll.UntilAsync(() => Task.FromResult(warmup.IsDone), done => done, TimeSpan.FromSeconds(30), "the warm-up done");

        // The exchanges' users came from grain calls; no exchange of the warm-up reached a subject's session.
        Assert.InRange(calls.Of(nameof(IWarmupGrain)).Count, ExchangeWarmup.Batch, int.MaxValue);
        Assert.DoesNotContain(calls.Of(nameof(ISubjectSessionGrain)), c => c.Method == nameof(ISubjectSessionGrain.ResolveUser));
        var users = server.Services.GetRequiredService<GrainUserDirectory>();
        Assert.Null(await users.FindIdAsync(UserField.FederationId, "warmup-subject-0"));

        // Each round activated a session and a user of its own, and only read them: nothing was stored. Index entries
        // are read in storage, as a first exchange reads them, without a grain.
        var activated = calls.Of(nameof(ISubjectSessionGrain)).Concat(calls.Of(nameof(IUserGrain)))
            .Where(c => c.Key.Contains("warmup-", StringComparison.Ordinal)).ToList();
        Assert.Empty(calls.Of(nameof(IUserIndexGrain)));
        foreach (var type in new[] { nameof(ISubjectSessionGrain), nameof(IUserGrain) })
            Assert.InRange(activated.Where(c => c.Interface == type).Select(c => c.Key).Distinct().Count(), ExchangeWarmup.Batch, int.MaxValue);
        Assert.All(activated, c => Assert.Contains(c.Method, new[] { nameof(ISubjectSessionGrain.GetRevokedAt), nameof(IUserGrain.Get) }));
    }

    [Fact]
    public async Task The_warm_up_creates_a_new_subjects_user_in_a_storage_of_its_own_and_nothing_in_the_cluster()
    {
        await using var server = await LoopbackServer.StartAsync(null, "--warmup-exchanges", "0");

        var created = await server.Services.GetRequiredService<ThrowawayUserCreation>().RunAsync();

        // The whole creation ran: a user with the made-up subject's attributes, read back from where it was stored.
        Assert.NotNull(created);
        Assert.StartsWith("warmup-", created.FederationId);
        // Not in the cluster: no user record, no index entry, no catalog listing.
        var users = server.Services.GetRequiredService<GrainUserDirectory>();
        Assert.Null(await users.FindIdAsync(UserField.FederationId, created.FederationId!));
        Assert.Null(await users.FindIdAsync(UserField.Email, created.Email!));
        Assert.Null(await users.GetAsync(created.Id));
        var bucket = server.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserCatalogGrain>(IUserCatalogGrain.KeyFor(created.Id));
        Assert.DoesNotContain(created.Id, await bucket.List(null, int.MaxValue));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("100000", 100_000)]
    public void The_option_is_read(string given, int expected)
    {
        var settings = ServerSettings.From(new ConfigurationBuilder().AddCommandLine(["--warmup-exchanges", given], ServerSettings.SwitchMappings.ToDictionary()).Build());
        Assert.Equal(expected, settings.WarmupExchanges);
        Assert.Equal(ServerSettings.DefaultWarmupExchanges, ServerSettings.From(new ConfigurationBuilder().Build()).WarmupExchanges);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("100001")]
    [InlineData("many")]
    public void Out_of_range_values_are_refused_by_name(string given)
    {
        var e = Assert.Throws<ArgumentException>(() =>
            ServerSettings.From(new ConfigurationBuilder().AddCommandLine(["--warmup-exchanges", given], ServerSettings.SwitchMappings.ToDictionary()).Build()));
        Assert.StartsWith("--warmup-exchanges", e.Message);
    }

    private static Func<Task<HealthReport>> ReadyReport(TokenExchangeServer server) =>
        () => server.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Tags.Contains(HealthEndpoints.ReadyTag));

    /// <summary>An exercise that records its rounds and holds the first until released.</summary>
    private sealed class HeldExercise : IWarmupExercise
    {
        private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<int> rounds = [];

        public Task Started => started.Task;

        public IReadOnlyList<int> Rounds
        {
            get
            {
                lock (rounds) return [.. rounds];
            }
        }

        public void Release() => released.TrySetResult();

        public async Task ExchangeAsync(int round, WarmupReach reach, CancellationToken cancellationToken)
        {
            lock (rounds) rounds.Add(round);
            started.TrySetResult();
            await released.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Counts the events the silo's own sinks receive.</summary>
    private sealed class SiloEvents : ITokenEventSink
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public void Record(TokenEvent e) => Interlocked.Increment(ref count);
    }

    /// <summary>Records the grain calls the silo receives: interface, method and key.</summary>
    private sealed class GrainCalls : IIncomingGrainCallFilter
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string Interface, string Method, string Key)> calls = new();

        public IReadOnlyList<(string Interface, string Method, string Key)> Of(string interfaceName) => [.. calls.Where(c => c.Interface == interfaceName)];

        public Task Invoke(IIncomingGrainCallContext context)
        {
            calls.Enqueue((context.InterfaceName.Split('.').Last(), context.MethodName, context.TargetId.Key.ToString() ?? ""));
            return context.Invoke();
        }
    }
}
