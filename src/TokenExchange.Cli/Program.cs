using TokenExchange.Cli;

return await Txctl.RunAsync(args, Console.Out, Console.Error);
