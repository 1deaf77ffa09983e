namespace TokenExchange.Handlers;

/// <summary>What a handler found in a token: valid or not, the subject, its claims and user data.</summary>
public sealed record TokenValidationResult
{
    public bool IsValid { get; init; }

    /// <summary>The subject at the identity provider (required when valid).</summary>
    public string? Subject { get; init; }

    /// <summary>Who issued the token (required when valid): sessions are kept per issuer and subject.</summary>
    public string? Issuer { get; init; }

    /// <summary>Claims of the token, as strings (Salesforce: data).</summary>
    public IReadOnlyDictionary<string, string> Claims { get; init; } = new Dictionary<string, string>();

    /// <summary>What the identity provider says of the user, for mapping and creation.</summary>
    public HandlerUserData? UserData { get; init; }

    /// <summary>When the token expires: issued tokens never outlive it unless the app's policy says so.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The message the client sees when invalid (Salesforce: customErrorMsg); keep it free of secrets.</summary>
    public string? ErrorMessage { get; init; }

    public static TokenValidationResult Valid(string subject, string issuer, IReadOnlyDictionary<string, string>? claims = null, HandlerUserData? userData = null, DateTimeOffset? expiresAt = null) =>
        new() { IsValid = true, Subject = subject, Issuer = issuer, Claims = claims ?? new Dictionary<string, string>(), UserData = userData, ExpiresAt = expiresAt };

    public static TokenValidationResult Invalid(string errorMessage) => new() { IsValid = false, ErrorMessage = errorMessage };
}

/// <summary>User attributes an identity provider vouches for.</summary>
public sealed record HandlerUserData(string? Username = null, string? Email = null, string? DisplayName = null, string? FederationId = null);
