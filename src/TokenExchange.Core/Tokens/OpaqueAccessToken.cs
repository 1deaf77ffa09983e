namespace TokenExchange.Tokens;

public sealed record OpaqueAccessToken(
    string ClaimsJson,
    string ClientId,
    string UserId,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    bool Revoked = false,
    string? SessionKey = null);
