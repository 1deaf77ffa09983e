using System.CommandLine;
using TokenExchange.Protos.V1;

namespace TokenExchange.Cli.Commands.Admin;

/// <summary><c>txctl keys list|rotate</c>: the cluster's signing keys.</summary>
public static class KeysCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        Command Sub(string name, string description, Func<Protos.V1.Admin.AdminClient, Grpc.Core.CallOptions, Task<KeyList>> call)
        {
            var admin = new AdminOptions();
            var command = new Command(name, description);
            admin.AddTo(command);
            command.SetAction((parse, _) => admin.RunAsync(parse, error, async (client, options) =>
            {
                var list = await call(client, options);
                await output.WriteLineAsync($"{"KID",-44}  {"STATUS",-9}  {"ACTIVATES",-20}  RETIRES");
                foreach (var key in list.Keys) await output.WriteLineAsync($"{key.Kid,-44}  {key.Status,-9}  {key.ActivatesAt,-20}  {key.RetiresAt}");
                return ExitCodes.Success;
            }));
            return command;
        }
        return new Command("keys", "the cluster's signing keys")
        {
            Sub("list", "list the signing keys and which one signs", (client, options) => client.ListKeysAsync(new ListKeysRequest(), options).ResponseAsync),
            Sub("rotate", "rotate now: the new key is published at once and signs after the activation delay",
                (client, options) => client.RotateKeysAsync(new RotateKeysRequest(), options).ResponseAsync),
        };
    }
}
