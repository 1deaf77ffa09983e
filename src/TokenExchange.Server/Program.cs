using TokenExchange.Configuration;
using TokenExchange.Server.Hosting;
using TokenExchange.Storage;

try
{
    await using var server = TokenExchangeServer.Create(args);
    await server.StartAsync();
    Banner.Print(server, Console.Out);
    await server.WaitForShutdownAsync();
    return 0;
}
catch (Exception e) when (e is ConfigException or ArgumentException or StorageUnavailableException)
{
    // Operator mistakes get one clear message, not a stack trace.
    await Console.Error.WriteLineAsync($"error: {e.Message}");
    return 2;
}
