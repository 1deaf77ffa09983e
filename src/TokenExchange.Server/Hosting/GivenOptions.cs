namespace TokenExchange.Server.Hosting;

/// <summary>The options given (command line, environment, the configuration file's <c>server:</c> section), each read by its declaration.</summary>
internal sealed class GivenOptions
{
    private readonly Dictionary<ServerOption, (string Text, object? Value)> given = [];

    /// <summary>Reads every declared option that is given; the first malformed one throws, naming it.</summary>
    public static GivenOptions Read(IConfiguration configuration)
    {
        var options = new GivenOptions();
        foreach (var option in ServerOptions.All)
        {
            if (option.TextIn(configuration) is { } text) options.given[option] = (text, option.Parse(text));
        }
        return options;
    }

    /// <summary>The option's value; null when it is not given.</summary>
    public T Get<T>(ServerOption<T> option) => given.TryGetValue(option, out var entry) ? (T)entry.Value! : default!;

    /// <summary>The option's text as given; null when it is not given.</summary>
    public string? Text(ServerOption option) => given.TryGetValue(option, out var entry) ? entry.Text : null;
}
