using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TokenExchange.Server.Tests.Adversarial;

/// <summary>
/// A log provider that keeps every line the server writes, at every level and in every category, with
/// its structured values and exception, so a test can search all of it for leaked secrets and tokens.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyCollection<string> Lines => lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            lines.Enqueue($"{category} scope: {Values(state)}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} | {Values(state)} | {exception}");

        private static string Values<TState>(TState state) => state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join("; ", pairs.Select(p => $"{p.Key}={Flatten(p.Value)}"))
            : state?.ToString() ?? "";

        private static string? Flatten(object? value) => value is System.Collections.IEnumerable items and not string
            ? string.Join(",", items.Cast<object?>())
            : value?.ToString();
    }
}
