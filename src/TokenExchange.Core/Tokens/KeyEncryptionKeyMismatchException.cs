namespace TokenExchange.Tokens;

/// <summary>A stored signing key does not decrypt with the key-encryption key given: the wrong key, or an altered record.</summary>
public sealed class KeyEncryptionKeyMismatchException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
