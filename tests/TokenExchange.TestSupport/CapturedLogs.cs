using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TokenExchange.Testing;

/// <summary>One line a logger wrote: its level, category, formatted message (with the exception, if any) and structured values.</summary>
public sealed record LogLine(LogLevel Level, string Category, string Message, string Values)
{
    /// <summary>Everything the line holds, as one text to search; it starts with "level category:".</summary>
    public string Text => $"{Level} {Category}: {Message} | {Values}";
}

/// <summary>
/// A log provider that keeps every line a server writes, at every level and in every category, with its
/// structured values, exception and scopes, so a test can search the lines (audit entries, warnings) or all
/// of it (for leaked secrets and tokens). Add it with <c>builder.Logging.AddProvider(logs)</c>.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> lines = new();
    private readonly ConcurrentQueue<string> everything = new();

    /// <summary>The log lines, in the order written.</summary>
    public IReadOnlyList<LogLine> Lines => [.. lines];

    /// <summary>Every line's <see cref="LogLine.Text"/> and every scope begun ("category scope: values").</summary>
    public IReadOnlyCollection<string> Everything => everything;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            logs.everything.Enqueue($"{category} scope: {Values(state)}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new LogLine(logLevel, category, formatter(state, exception) + (exception is null ? "" : " " + exception), Values(state));
            logs.lines.Enqueue(line);
            logs.everything.Enqueue(line.Text);
        }

        private static string Values<TState>(TState state) => state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join("; ", pairs.Select(p => $"{p.Key}={Flatten(p.Value)}"))
            : state?.ToString() ?? "";

        private static string? Flatten(object? value) => value is System.Collections.IEnumerable items and not string
            ? string.Join(",", items.Cast<object?>())
            : value?.ToString();
    }
}
