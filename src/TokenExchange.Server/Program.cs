using TokenExchange.Server.Hosting;

TokenExchangeServer? server = null;
try
{
    server = TokenExchangeServer.Create(args);
    await server.StartAsync();
    Banner.Print(server, Console.Out);
    await server.WaitForShutdownAsync();
    return 0;
}
catch (Exception e) when (StartupErrors.Describe(e) is { } failure)
{
    // Operator mistakes get one clear line and an exit code of their own (README, exit codes), not a stack trace.
    await Console.Error.WriteLineAsync($"error: {failure.Message.ReplaceLineEndings(" ")}");
    return failure.ExitCode;
}
finally
{
    if (server is not null) await server.DisposeAsync();
}
