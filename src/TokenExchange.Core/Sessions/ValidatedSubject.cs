namespace TokenExchange.Sessions;

/// <summary>A subject as the handler's validation found it: built from a JwtValidationResult (built-in handlers) or a plugin's TokenValidationResult, or from the introspection answer.</summary>
public sealed record ValidatedSubject
{
    public required string Subject { get; init; }
    public required string Issuer { get; init; }
    /// <summary>Required rather than defaulted: a default would build a dictionary on every exchange only for the initializer to replace it.</summary>
    public required IReadOnlyDictionary<string, string> Claims { get; init; }
    public string? Username { get; init; }
    public string? Email { get; init; }
    public string? DisplayName { get; init; }
    public string? FederationId { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Whether the IdP says the email is verified: a JSON true only (never the string "true").</summary>
    public bool EmailVerified { get; init; }
}
