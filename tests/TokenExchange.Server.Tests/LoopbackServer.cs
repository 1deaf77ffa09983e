using Microsoft.AspNetCore.Builder;
using TokenExchange.Server.Hosting;

namespace TokenExchange.Server.Tests;

/// <summary>The real server on ephemeral loopback ports, with a configuration written for the test.</summary>
public static class LoopbackServer
{
    public static readonly string[] EphemeralPorts =
        ["--http", "http://127.0.0.1:0", "--grpc", "http://127.0.0.1:0", "--silo-port", "0"];

    /// <summary>
    /// The embedded mode in memory: each test server has state of its own and leaves nothing behind (the
    /// durable default would share, and lock, the user's data folder).
    /// </summary>
    public static readonly string[] InMemory = ["--ephemeral", "true"];

    /// <summary>
    /// Starts a server on <paramref name="configYaml"/> (null: the embedded default's config/dev.yaml). The
    /// file is read when the server is created, so it is deleted as soon as the server runs. Embedded
    /// servers keep their state in memory unless <paramref name="args"/> name a --data folder.
    /// </summary>
    public static Task<TokenExchangeServer> StartAsync(string? configYaml, params string[] args) => StartAsync(configYaml, null, args);

    /// <summary>As above, with <paramref name="customize"/> applied to the host builder (a clock, a log sink) before it is built.</summary>
    public static async Task<TokenExchangeServer> StartAsync(string? configYaml, Action<WebApplicationBuilder>? customize, params string[] args)
    {
        var path = configYaml is null ? null : Path.Combine(Path.GetTempPath(), $"tx-test-{Guid.NewGuid():N}.yaml");
        if (path is not null) await File.WriteAllTextAsync(path, configYaml);
        try
        {
            var server = TokenExchangeServer.Create([.. path is null ? [] : new[] { "--config", path }, .. args, .. EphemeralPorts, .. StateArgs(args)], customize);
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

    private static string[] StateArgs(string[] args) => args.Contains("--postgres") || args.Contains("--data") || args.Contains("--ephemeral") ? [] : InMemory;
}
