namespace TokenExchange.Server.Hosting;

/// <summary>
/// A reason the server cannot start that the operator can act on: printed as one line on stderr, and the
/// process exits with <see cref="ExitCode"/> (see <see cref="StartupExitCodes"/> and README, exit codes).
/// </summary>
public sealed class StartupFailure(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>The server's exit codes; each names one kind of start-up failure (README lists them).</summary>
public static class StartupExitCodes
{
    /// <summary>A bad option or configuration: a malformed value, a missing or unreadable file.</summary>
    public const int Configuration = 2;

    /// <summary>The database cannot be reached (PostgreSQL down or refusing the connection), as <c>txctl db migrate</c>.</summary>
    public const int StorageUnreachable = 3;

    /// <summary>The embedded database is corrupt or cannot be read; it is left as it was.</summary>
    public const int StateUnusable = 4;

    /// <summary>The signing keys do not decrypt with this key-encryption key, or its file cannot be used.</summary>
    public const int KeyEncryptionKey = 5;

    /// <summary>A listen address (HTTP, gRPC or the silo port) is taken by another process.</summary>
    public const int AddressInUse = 6;

    /// <summary>Another server is running on the same embedded data folder.</summary>
    public const int DataFolderInUse = 7;
}
