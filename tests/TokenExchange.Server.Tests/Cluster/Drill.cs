using System.Globalization;
using Grpc.Net.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Testing;
using Xunit.Abstractions;

namespace TokenExchange.Server.Tests.Cluster;

/// <summary>
/// What the failover drills share: subjects with their requests made once, warming them so their sessions
/// live on every silo, the count of sessions each silo holds, and the drill's figures written to the test
/// output and to artifacts/failover/.
/// </summary>
public static class Drill
{
    /// <summary>
    /// 500 exchanges a second. TX_DRILL_RATE sets another rate for a run by hand on a machine too busy to
    /// serve 500 (the drills then measure the machine, not the failover); CI runs the default.
    /// </summary>
    public static readonly double Rate = double.TryParse(Environment.GetEnvironmentVariable("TX_DRILL_RATE"), CultureInfo.InvariantCulture, out var rate) && rate > 0 ? rate : 500;

    public const int Subjects = 600;

    /// <summary>
    /// A drill's cluster runs on a PostgreSQL server of its own: on the shared one, other tests' connections
    /// can use up its slots just as a failover reactivates hundreds of grains, and the drill would measure
    /// that. Each silo's pool stays within the private server's 100 connections.
    /// </summary>
    public static async Task<(PrivatePostgres Postgres, ClusterOfSilos Cluster)> StartClusterAsync(int silos, IReadOnlyList<string>? extraArguments = null)
    {
        var postgres = await PrivatePostgres.StartAsync();
        try
        {
            return (postgres, await ClusterOfSilos.StartAsync(silos, postgres.ConnectionString + ";Maximum Pool Size=30", extraArguments));
        }
        catch
        {
            await postgres.DisposeAsync();
            throw;
        }
    }

    public static (string Subject, Protos.V1.ExchangeRequest Request)[] Requests(ClusterOfSilos cluster, string prefix, int count = Subjects) =>
        [.. Enumerable.Range(0, count).Select(i => $"{prefix}-{i}").Select(s => (s, cluster.Request(s)))];

    /// <summary>
    /// Exchanges each subject once, subject i through silo i mod N, so sessions are activated on every silo;
    /// returns each subject's user id.
    /// </summary>
    public static async Task<Dictionary<string, string>> WarmAsync(ClusterOfSilos cluster, (string Subject, Protos.V1.ExchangeRequest Request)[] requests)
    {
        var channels = cluster.Silos.Select(s => GrpcChannel.ForAddress(s.Grpc)).ToArray();
        var users = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, requests.Length), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            {
                var client = new Protos.V1.TokenExchange.TokenExchangeClient(channels[i % channels.Length]);
                // Warming is not measured: on a loaded machine a silo's first JWKS fetch may time out; try again.
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        var response = await client.ExchangeAsync(requests[i].Request, deadline: DateTime.UtcNow.AddSeconds(30));
                        users[requests[i].Subject] = new JsonWebToken(response.AccessToken).Subject;
                        return;
                    }
                    catch (global::Grpc.Core.RpcException e) when (e.StatusCode is global::Grpc.Core.StatusCode.Unavailable or global::Grpc.Core.StatusCode.DeadlineExceeded && attempt < 5)
                    {
                        await Task.Delay(500); // backoff between bounded retries (5) of one request, not a wait for a condition
                    }
                    catch (global::Grpc.Core.RpcException e)
                    {
                        // The silos' own words say why (one that exited, one declared dead, a store that timed out).
                        var silo = cluster.Silos[i % channels.Length];
                        throw new InvalidOperationException($"warming {requests[i].Subject} through silo {silo.Name} failed after {attempt} attempts ({e.Status}); silo {silo.Name} {(silo.IsRunning ? "still runs" : $"exited with {silo.ExitCode}")}\n{cluster.Logs()}", e);
                    }
                }
            });
        }
        finally
        {
            foreach (var channel in channels) channel.Dispose();
        }
        return new(users);
    }

    /// <summary>Subject sessions active on a silo, from its /metrics (tokenexchange_sessions_active).</summary>
    public static async Task<double> SessionsAsync(SiloProcess silo)
    {
        using var http = new HttpClient { BaseAddress = silo.Http, Timeout = TimeSpan.FromSeconds(5) };
        var text = await http.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(line => line.StartsWith("tokenexchange_sessions_active", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>Asserts that every silo holds a fair share of the sessions, so a drill that stops one of them means something.</summary>
    public static async Task AssertSpreadAsync(ClusterOfSilos cluster, int subjects, ITestOutputHelper output)
    {
        var counts = new List<(string Silo, double Sessions)>();
        foreach (var silo in cluster.Silos) counts.Add((silo.Name, await SessionsAsync(silo)));
        output.WriteLine("sessions per silo after warming: " + string.Join(", ", counts.Select(c => $"{c.Silo} {c.Sessions}")));
        Assert.All(counts, c => Assert.True(c.Sessions >= subjects / cluster.Silos.Length / 3, $"silo {c.Silo} holds only {c.Sessions} of {subjects} sessions"));
    }

    /// <summary>The drill's figures: to the test output, and to artifacts/failover/NAME.txt, which CI keeps.</summary>
    public static void Report(ITestOutputHelper output, string name, IEnumerable<string> lines)
    {
        var text = string.Join('\n', lines);
        output.WriteLine(text);
        var folder = Path.Combine(RepositoryRoot(), "artifacts", "failover");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, name + ".txt"), $"{DateTime.UtcNow:u} on {Environment.ProcessorCount} cores\n{text}\n");
    }

    private static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Cluster.sln"))) root = root.Parent;
        return root?.FullName ?? throw new DirectoryNotFoundException("Cluster.sln not found above the test binaries");
    }
}
