using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TokenExchange.Server.Tests.Audit;

/// <summary>Every log line of a server, as written (category and formatted message), for tests to search.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, string Message)> lines = new();

    public IReadOnlyList<(string Category, string Message)> Lines => [.. lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, string)> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue((category, formatter(state, exception) + (exception is null ? "" : " " + exception)));
    }
}
