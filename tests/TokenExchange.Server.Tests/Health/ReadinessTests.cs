using System.Net;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenExchange.Server.Health;
using TokenExchange.Server.Tests.Cluster;
using TokenExchange.Testing;
using HealthClient = Grpc.Health.V1.Health.HealthClient;

namespace TokenExchange.Server.Tests.Health;

/// <summary>
/// Readiness is each of its conditions: the silo active in the cluster, definitions and signing keys
/// loaded, PostgreSQL reachable. Liveness depends on none of them (a storage outage must not restart pods).
/// </summary>
[Collection(RealProcessCollection.Name)]
public sealed class ReadinessTests
{
    [Fact]
    public async Task Not_ready_before_the_silo_is_active_and_its_signing_keys_are_loaded_nor_once_it_stops()
    {
        var gate = new SiloStartGate();
        await using var server = LoopbackServer.Create([],
            builder => builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(gate));
        var starting = server.StartAsync();
        await gate.Reached.WaitAsync(TimeSpan.FromSeconds(30));

        var report = await server.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Tags.Contains(HealthEndpoints.ReadyTag));
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Equal("silo not active in the cluster; definitions not loaded or silo stopping; signing keys not loaded", report.Entries["cluster"].Description);
        // (The front doors listen only once the silo has started, so a probe meanwhile finds no listener at all.)

        gate.Open();
        await starting.WaitAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(HealthEndpoints.ReadyPath)).StatusCode);

        // A stopping silo is no longer ready, so load balancers drain it first.
        await server.StopAsync();
        var stopped = await server.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Tags.Contains(HealthEndpoints.ReadyTag));
        Assert.Equal(HealthStatus.Unhealthy, stopped.Status);
        Assert.Contains("silo stopping", stopped.Entries["cluster"].Description);
    }

    [Fact]
    public async Task Not_ready_while_postgres_is_down_and_ready_again_when_it_returns_while_staying_live()
    {
        await using var postgres = await PrivatePostgres.StartAsync();
        await using var server = await LoopbackServer.StartAsync(null, ["--postgres", postgres.ConnectionString, "--migrate", "true",
            "--key-encryption-key", Convert.ToBase64String(new byte[32]), "--dev-issuer", "true",
            .. ClusterCertificateFiles.ForTests.Arguments]);
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var health = new HealthClient(channel);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(HealthEndpoints.ReadyPath)).StatusCode);
        await postgres.StopServerAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync(HealthEndpoints.ReadyPath)).StatusCode);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(HealthEndpoints.LivePath)).StatusCode);
        // gRPC's liveness service is /healthz: no dependency, so no restart for a storage outage.
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving,
            (await health.CheckAsync(new HealthCheckRequest { Service = HealthEndpoints.GrpcLivenessService })).Status);

        await postgres.StartServerAsync();
        var status = await Poll.LastAsync(async () => (await http.GetAsync(HealthEndpoints.ReadyPath)).StatusCode, s => s == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), step: TimeSpan.FromMilliseconds(200));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
    }

    /// <summary>Holds the silo's start before it joins the cluster, until the test opens it.</summary>
    private sealed class SiloStartGate : ILifecycleParticipant<ISiloLifecycle>
    {
        private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached => reached.Task;

        public void Open() => open.TrySetResult();

        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(SiloStartGate), ServiceLifecycleStage.ApplicationServices, _ =>
            {
                reached.TrySetResult();
                return open.Task;
            });
    }
}
