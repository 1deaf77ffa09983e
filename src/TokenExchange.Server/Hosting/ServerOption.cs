namespace TokenExchange.Server.Hosting;

/// <summary>
/// One option of the server, declared once (<see cref="ServerOptions"/>): its switch, what README's options table
/// shows for it, and how its text is read. Its configuration key is the switch in camel case
/// (<c>--dev-issuer-key</c>: <c>devIssuerKey</c>), which is also its environment variable (<c>TX_DEVISSUERKEY</c>)
/// and its name in the configuration file's <c>server:</c> section.
/// </summary>
public abstract class ServerOption
{
    private protected ServerOption(string name, string placeholder, string defaultText, string help)
    {
        Name = name;
        Key = KeyOf(name);
        Placeholder = placeholder;
        DefaultText = defaultText;
        Help = help;
    }

    /// <summary>The command-line switch, e.g. <c>--http</c>.</summary>
    public string Name { get; }

    /// <summary>The configuration key, e.g. <c>http</c>.</summary>
    public string Key { get; }

    /// <summary>Another spelling of the key, for an environment variable with underscores (<c>DEV_ISSUER_KEY</c>: <c>TX_DEV_ISSUER_KEY</c>).</summary>
    public string? Alias { get; init; }

    /// <summary>What the value is, for the table (<c>URL</c>, <c>true|false</c>); empty when the meaning says it.</summary>
    public string Placeholder { get; }

    /// <summary>The default as README's table states it (markdown).</summary>
    public string DefaultText { get; }

    /// <summary>What the option does, as README's table states it (markdown).</summary>
    public string Help { get; }

    /// <summary>The option's row of README's options table.</summary>
    public string TableRow => $"| `{Escape(Placeholder.Length > 0 ? $"{Name} {Placeholder}" : Name)}` | {DefaultText} | {Help} |";

    /// <summary>The text given for the option (by its key, else its alias); null when it is not given.</summary>
    internal string? TextIn(IConfiguration configuration) => configuration[Key] ?? (Alias is null ? null : configuration[Alias]);

    /// <summary>The value of <paramref name="text"/>; a malformed one throws an <see cref="ArgumentException"/> that starts with <see cref="Name"/>.</summary>
    internal abstract object? Parse(string text);

    private static string KeyOf(string name)
    {
        var words = name.TrimStart('-').Split('-');
        return words[0] + string.Concat(words.Skip(1).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal);
}

/// <summary>An option whose text reads as a <typeparamref name="T"/>; null stands for "not given" (or, for some, given empty).</summary>
public sealed class ServerOption<T> : ServerOption
{
    private readonly Func<OptionText, T> parse;

    public ServerOption(string name, string placeholder, string defaultText, string help, Func<OptionText, T> parse)
        : base(name, placeholder, defaultText, help) => this.parse = parse;

    internal override object? Parse(string text) => parse(new OptionText(Name, text));
}
