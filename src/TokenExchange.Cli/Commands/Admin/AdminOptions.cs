using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;

namespace TokenExchange.Cli.Commands.Admin;

/// <summary>What every admin command shares: the server, the credential, and how failures are reported.</summary>
public sealed class AdminOptions
{
    public Option<string> Server { get; } = new("--server") { Description = "the server's gRPC address", DefaultValueFactory = _ => "http://127.0.0.1:8081" };

    public Option<string?> AdminKey { get; } = new("--admin-key") { Description = "admin key or admin-scoped access token (default: TX_ADMIN_KEY)" };

    public void AddTo(Command command)
    {
        command.Options.Add(Server);
        command.Options.Add(AdminKey);
    }

    /// <summary>Runs an admin call; gRPC failures become one line on stderr and an exit code.</summary>
    public async Task<int> RunAsync(ParseResult parse, TextWriter error, Func<Protos.V1.Admin.AdminClient, CallOptions, Task<int>> call)
    {
        var credential = parse.GetValue(AdminKey) ?? Environment.GetEnvironmentVariable("TX_ADMIN_KEY");
        if (string.IsNullOrEmpty(credential))
        {
            await error.WriteLineAsync("error: give --admin-key or set TX_ADMIN_KEY");
            return ExitCodes.Usage;
        }
        var address = parse.GetValue(Server)!;
        using var channel = GrpcChannel.ForAddress(address);
        var options = new CallOptions(new Metadata { { "authorization", "Bearer " + credential } }, DateTime.UtcNow.AddSeconds(60));
        try
        {
            return await call(new Protos.V1.Admin.AdminClient(channel), options);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
        {
            await error.WriteLineAsync($"error: cannot reach {address}: {e.Status.Detail}");
            return ExitCodes.Unreachable;
        }
        catch (RpcException e)
        {
            await error.WriteLineAsync($"error: {e.StatusCode}: {e.Status.Detail}");
            return ExitCodes.Refused;
        }
    }
}
