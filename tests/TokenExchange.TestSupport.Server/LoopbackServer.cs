using Microsoft.AspNetCore.Builder;
using TokenExchange.Server.Hosting;

namespace TokenExchange.Testing;

/// <summary>
/// The one way tests start the real server in their own process: on ephemeral loopback ports, in memory,
/// with a configuration written for the test. An option the test names itself (a listener address, a
/// <c>--data</c> folder, <c>--postgres</c>) replaces the default it stands for.
/// </summary>
public static class LoopbackServer
{
    private static readonly string[] EphemeralPorts =
        ["--http", "http://127.0.0.1:0", "--grpc", "http://127.0.0.1:0", "--silo-port", "0"];

    /// <summary>
    /// The embedded mode in memory: each test server has state of its own and leaves nothing behind (the
    /// durable default would share, and lock, the user's data folder).
    /// </summary>
    private static readonly string[] InMemory = ["--ephemeral", "true"];

    private static readonly string[] NoJitSettling = ["--warmup-timeout", "0"];

    /// <summary>
    /// Starts a server on <paramref name="configYaml"/> (null: the embedded default's config/dev.yaml,
    /// or the file <paramref name="args"/> name with <c>--config</c>). The file is read when the server is created, so it is deleted as soon as the
    /// server runs. Embedded servers keep their state in memory unless <paramref name="args"/> name a --data
    /// folder or PostgreSQL.
    /// </summary>
    public static Task<TokenExchangeServer> StartAsync(string? configYaml, params string[] args) => StartAsync(configYaml, null, args);

    /// <summary>As above, with <paramref name="customize"/> applied to the host builder (a clock, a log sink) before it is built.</summary>
    public static async Task<TokenExchangeServer> StartAsync(string? configYaml, Action<WebApplicationBuilder>? customize, params string[] args)
    {
        var path = configYaml is null ? null : Path.Combine(Path.GetTempPath(), $"tx-test-{Guid.NewGuid():N}.yaml");
        if (path is not null) await File.WriteAllTextAsync(path, configYaml);
        try
        {
            var server = Create([.. path is null ? [] : new[] { "--config", path }, .. args], customize);
            try
            {
                await server.StartAsync();
                return server;
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
        finally
        {
            if (path is not null) File.Delete(path);
        }
    }

    /// <summary>
    /// Creates, without starting, a server on <paramref name="args"/> completed with ephemeral loopback ports
    /// and in-memory state wherever <paramref name="args"/> do not name their own: for a test that starts it
    /// itself (or expects creating it to fail).
    /// </summary>
    public static TokenExchangeServer Create(string[] args, Action<WebApplicationBuilder>? customize = null) =>
        TokenExchangeServer.Create([.. args, .. Defaults(args)], customize);

    private static IEnumerable<string> Defaults(string[] args)
    {
        for (var i = 0; i < EphemeralPorts.Length; i += 2)
        {
            if (args.Contains(EphemeralPorts[i])) continue;
            yield return EphemeralPorts[i];
            yield return EphemeralPorts[i + 1];
        }
        // The warm-up's in-memory exchanges run as in production; its wait for a quiet JIT would add seconds to
        // every test server (ExchangeWarmupTests turn it on).
        if (!args.Contains("--warmup-timeout")) foreach (var arg in NoJitSettling) yield return arg;
        var ownState = args.Contains("--postgres") || args.Contains("--data") || args.Contains("--ephemeral");
        if (!ownState) foreach (var arg in InMemory) yield return arg;
    }
}
