namespace TokenExchange.Sessions;

/// <summary>What the handler asks of a subject session: the user for this validated subject.</summary>
public sealed record SubjectUserRequest
{
    public required string HandlerName { get; init; }
    /// <summary>The client id of the app whose exchange this is.</summary>
    public required string ClientId { get; init; }

    /// <summary>Whether the app's enablement of the handler lets this exchange create a user.</summary>
    public bool AllowUserCreation { get; init; }

    public required ValidatedSubject Subject { get; init; }

    /// <summary>When set, a refresh token family is started for the user in the same call.</summary>
    public RefreshGrant? Refresh { get; init; }
    public TimeSpan RefreshLifetime { get; init; }

    /// <summary>How long the family started may last, however often it rotates (the app's absolute lifetime).</summary>
    public TimeSpan RefreshAbsoluteLifetime { get; init; }

    /// <summary>
    /// Set by the silo that sends the request (never by a client) when it starts a refresh token family:
    /// the same id again is a repeat of a call whose answer was lost, and gets the same family.
    /// </summary>
    public string? RequestId { get; init; }
}
