using System.CommandLine;
using TokenExchange.Protos.V1;

namespace TokenExchange.Cli.Commands.Admin;

/// <summary><c>txctl apply -f FILE [--prune] [--dry-run]</c>: make the cluster's definitions what the file declares.</summary>
public static class ApplyCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var admin = new AdminOptions();
        var file = new Option<FileInfo>("--file", "-f") { Description = "YAML document: apps, handlers, users (as config/dev.yaml)", Required = true };
        var prune = new Option<bool>("--prune") { Description = "delete apps and handlers the file does not declare (users are never pruned)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "print what would change, change nothing" };
        var command = new Command("apply", "create, update and (with --prune) delete definitions to match a file") { file, prune, dryRun };
        admin.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                await error.WriteLineAsync($"error: {path.FullName} does not exist");
                return ExitCodes.Usage;
            }
            var document = await File.ReadAllTextAsync(path.FullName, cancellationToken);
            return await admin.RunAsync(parse, error, async (client, options) =>
            {
                var response = await client.ApplyAsync(new ApplyRequest { Document = document, Prune = parse.GetValue(prune), DryRun = parse.GetValue(dryRun) }, options);
                foreach (var change in response.Changes) await output.WriteLineAsync($"{change.Action,-9} {change.Kind} {change.Name}");
                var changed = response.Changes.Count(c => c.Action != "unchanged");
                await output.WriteLineAsync(response.DryRun ? $"dry run: {changed} changes, none made" : $"{changed} changes applied");
                return ExitCodes.Success;
            });
        });
        return command;
    }
}
