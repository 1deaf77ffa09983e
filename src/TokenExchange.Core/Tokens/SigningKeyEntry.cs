namespace TokenExchange.Tokens;

/// <summary>One key: its private JWK encrypted with the key-encryption key, and when it signs and retires.</summary>
public sealed record SigningKeyEntry(
    string KeyId,
    string ProtectedJwk,
    DateTimeOffset CreatedAt,
    DateTimeOffset ActivatesAt,
    DateTimeOffset? RetiresAt);
