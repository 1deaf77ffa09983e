using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Cli.Tests;

/// <summary>The embedded default server (config/dev.yaml, dev issuer on) on ephemeral ports, for txctl to talk to.</summary>
public sealed class CliFixture : IAsyncLifetime
{
    public TokenExchangeServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await LoopbackServer.StartAsync(configYaml: null);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Runs txctl in-process and captures what it prints.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await Txctl.RunAsync(args, output, error);
        return (exitCode, output.ToString().Trim(), error.ToString().Trim());
    }
}

[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<CliFixture>
{
    public const string Name = "cli";
}
