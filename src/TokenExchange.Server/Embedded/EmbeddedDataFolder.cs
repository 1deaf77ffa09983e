using TokenExchange.Server.Hosting;
using TokenExchange.Tokens;

namespace TokenExchange.Server.Embedded;

/// <summary>
/// The embedded mode's folder (<c>--data</c>): the SQLite database, the key-encryption key file beside it,
/// and a lock file that one server holds while it runs, so a second server on the same folder stops with
/// a clear message instead of writing the same database.
/// </summary>
public sealed class EmbeddedDataFolder : IDisposable
{
    public const string DatabaseFileName = "token-exchange.db";
    public const string KeyEncryptionKeyFileName = "key-encryption-key";
    private const string LockFileName = "token-exchange.lock";

    /// <summary>Group and others get nothing: the folder holds the key that decrypts the signing keys.</summary>
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly FileStream lockFile;

    private EmbeddedDataFolder(string path, FileStream lockFile)
    {
        Path = path;
        this.lockFile = lockFile;
    }

    public string Path { get; }
    public string DatabasePath => System.IO.Path.Combine(Path, DatabaseFileName);
    public string KeyEncryptionKeyPath => System.IO.Path.Combine(Path, KeyEncryptionKeyFileName);

    /// <summary>Creates the folder if needed (owner only) and takes its lock.</summary>
    /// <exception cref="StartupFailure">The folder cannot be made or another server holds it.</exception>
    public static EmbeddedDataFolder Open(string path)
    {
        if (File.Exists(path)) throw new StartupFailure(StartupExitCodes.Configuration, $"--data: '{path}' is a file, not a folder");
        try
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
            else Directory.CreateDirectory(path, OwnerOnlyFolder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupFailure(StartupExitCodes.Configuration, $"--data: cannot create the data folder '{path}': {e.Message}", e);
        }
        var lockPath = System.IO.Path.Combine(path, LockFileName);
        try
        {
            // FileShare.None is an exclusive lock (flock on Unix) held for the life of the process; the OS
            // drops it when the process dies, so a kill -9 never leaves a stale lock behind.
            return new EmbeddedDataFolder(path, new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new StartupFailure(StartupExitCodes.DataFolderInUse,
                $"another server is using the data folder '{path}' (it holds {LockFileName}): stop it, or give this server its own --data", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StartupFailure(StartupExitCodes.Configuration, $"--data: cannot write in the data folder '{path}': {e.Message}", e);
        }
    }

    /// <summary>
    /// The key-encryption key of this folder's signing keys: read from its file, or generated into a new file
    /// (mode 0600) when the database is new. A file that others may read is refused, as ssh refuses a key.
    /// </summary>
    public string LoadOrCreateKeyEncryptionKey(bool databaseIsNew)
    {
        var path = KeyEncryptionKeyPath;
        if (!File.Exists(path))
        {
            if (!databaseIsNew)
                throw new StartupFailure(StartupExitCodes.KeyEncryptionKey,
                    $"the key-encryption key file '{path}' is missing: the signing keys in '{DatabasePath}' were encrypted with it (restore it, or move the database away to start afresh)");
            return CreateKeyFile(path);
        }
        try
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOthers) != 0)
                throw new StartupFailure(StartupExitCodes.KeyEncryptionKey,
                    $"the key-encryption key file '{path}' is open to other users (mode {Octal(File.GetUnixFileMode(path))}): chmod 600 '{path}'");
            var value = File.ReadAllText(path).Trim();
            KeyProtector.FromBase64(value);
            return value;
        }
        catch (ArgumentException)
        {
            throw new StartupFailure(StartupExitCodes.KeyEncryptionKey, $"the key-encryption key file '{path}' does not hold the base64 of 32 bytes");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupFailure(StartupExitCodes.KeyEncryptionKey, $"cannot read the key-encryption key file '{path}': {e.Message}", e);
        }
    }

    private static string CreateKeyFile(string path)
    {
        var value = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
        using (var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options)) writer.WriteLine(value);
        return value;
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    public void Dispose() => lockFile.Dispose();
}
