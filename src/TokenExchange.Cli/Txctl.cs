using System.CommandLine;
using TokenExchange.Cli.Commands;

namespace TokenExchange.Cli;

/// <summary>The <c>txctl</c> command tree. Output goes to the given writers, so tests run it in-process.</summary>
public static class Txctl
{
    /// <summary>Exit codes: 0 success, 1 the server refused (an OAuth error), 2 usage, 3 the server could not be reached.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("txctl: the token exchange cluster's command line")
        {
            ExchangeCommand.Create(output, error),
            DevTokenCommand.Create(output, error),
            DbCommand.Create(output, error),
            Commands.Admin.ApplyCommand.Create(output, error),
            Commands.Admin.GetCommand.Create(output, error),
            Commands.Admin.ChangeCommands.Delete(output, error),
            Commands.Admin.ChangeCommands.EnableApp(output, error),
            Commands.Admin.ChangeCommands.DisableApp(output, error),
            Commands.Admin.ChangeCommands.Users(output, error),
            Commands.Admin.KeysCommand.Create(output, error),
            Commands.Admin.ChangeCommands.Revoke(output, error),
            Commands.Bench.BenchCommand.Create(output, error),
            Commands.Tokens.TokensCommand.Create(output, error),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var problem in parsed.Errors) await error.WriteLineAsync($"error: {problem.Message}");
            await error.WriteLineAsync("run 'txctl --help' for usage");
            return Commands.ExitCodes.Usage;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }
}
