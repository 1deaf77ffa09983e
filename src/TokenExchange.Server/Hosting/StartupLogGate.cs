namespace TokenExchange.Server.Hosting;

/// <summary>
/// Keeps a failed start to the one line Program prints. While the server starts, Orleans' lifecycle and the
/// host log the exception that stops them, stack trace and all, before it reaches Program; once a start has
/// failed, the teardown of a half-started silo logs more of the same. Both are dropped here: the exception
/// itself still reaches Program, which prints it as one line when it is known, and whole when it is not.
/// </summary>
public sealed class StartupLogGate
{
    private const int Starting = 0, Started = 1, Failed = 2;
    private int state;

    public void MarkStarted() => Volatile.Write(ref state, Started);

    public void MarkFailed() => Volatile.Write(ref state, Failed);

    /// <summary>Whether a message of the framework's <paramref name="category"/> at <paramref name="level"/> is shown.</summary>
    public bool Allows(string? category, LogLevel level) => Volatile.Read(ref state) switch
    {
        Starting => level < LogLevel.Error
            || !(category is "Orleans.Runtime.SiloLifecycleSubject" or "Orleans.Runtime.Silo" || category?.StartsWith("Microsoft.Extensions.Hosting", StringComparison.Ordinal) == true),
        Failed => false,
        _ => true,
    };

    /// <summary>Adds the gate to the framework categories' filters, at the levels they are shown from.</summary>
    public void AddTo(ILoggingBuilder logging)
    {
        logging.Services.Configure<LoggerFilterOptions>(options =>
        {
            foreach (var (category, minimum) in new[] { ("Orleans", LogLevel.Warning), ("Microsoft.Extensions.Hosting", LogLevel.Information) })
                options.Rules.Add(new LoggerFilterRule(null, category, minimum, (_, fullCategory, level) => Allows(fullCategory, level)));
        });
    }
}
