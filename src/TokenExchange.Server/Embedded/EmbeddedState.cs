namespace TokenExchange.Server.Embedded;

/// <summary>
/// The durable embedded mode's state, opened once per server: the locked data folder, its database, and
/// the key-encryption key of the signing keys in it.
/// </summary>
public sealed class EmbeddedState : IDisposable
{
    private readonly EmbeddedDataFolder folder;

    private EmbeddedState(EmbeddedDataFolder folder, EmbeddedDatabase database, string? keyEncryptionKey)
    {
        this.folder = folder;
        Database = database;
        KeyEncryptionKey = keyEncryptionKey;
    }

    public EmbeddedDatabase Database { get; }

    /// <summary>The key-encryption key from the folder's file (base64 of 32 bytes); null when one was given (--key-encryption-key).</summary>
    public string? KeyEncryptionKey { get; }

    /// <param name="path">The data folder.</param>
    /// <param name="keyFile">Whether the key-encryption key lives in the folder's file (none was given).</param>
    /// <exception cref="Hosting.StartupFailure">The folder is in use, or the database or key file cannot be used.</exception>
    public static EmbeddedState Open(string path, bool keyFile)
    {
        var folder = EmbeddedDataFolder.Open(path);
        EmbeddedDatabase? database = null;
        try
        {
            var isNew = !File.Exists(folder.DatabasePath);
            database = EmbeddedDatabase.Open(folder.DatabasePath);
            return new EmbeddedState(folder, database, keyFile ? folder.LoadOrCreateKeyEncryptionKey(isNew) : null);
        }
        catch
        {
            database?.Dispose();
            folder.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Database.Dispose();
        folder.Dispose();
    }
}
