namespace TokenExchange.Handlers;

/// <summary>What a handler gets to find the user for a validated subject.</summary>
public sealed class UserMappingContext
{
    public required TokenValidationResult Validation { get; init; }

    /// <summary>Whether this app's enablement lets exchanges create users (a described new user is refused otherwise).</summary>
    public required bool AllowUserCreation { get; init; }

    /// <summary>The client id of the app that presented the token.</summary>
    public required string ClientId { get; init; }

    /// <summary>The client id, under the name version 1 of this library gave it.</summary>
    [Obsolete("Use ClientId: this property always held the app's client id, not its name.")]
    public string AppName { get => ClientId; init => ClientId = value; }

    /// <summary>The cluster's user directory, to look users up in.</summary>
    public required IHandlerUserDirectory Users { get; init; }

    public required HandlerServices Services { get; init; }

    public CancellationToken CancellationToken { get; init; }
}

/// <summary>The user directory as handlers see it: lookups by the unique attributes, and by id.</summary>
public interface IHandlerUserDirectory
{
    Task<HandlerUser?> FindAsync(UserField field, string value);

    Task<HandlerUser?> GetAsync(string id);
}

/// <summary>
/// A user's unique attributes, by which a user is looked up. The cluster uses this enum too (user mapping rules, the user
/// index) and stores its int values, so the values never change and new ones go at the end.
/// </summary>
public enum UserField
{
    FederationId,
    Username,
    Email,
}

/// <summary>A user of the cluster's directory.</summary>
public sealed record HandlerUser(string Id, string? Username, string? Email, string? FederationId, string? DisplayName, bool Enabled);

/// <summary>A handler's answer: an existing user, a new user to create, or none.</summary>
public sealed record UserMappingResult
{
    public string? UserId { get; init; }
    public HandlerUserData? NewUser { get; init; }
    public string? ErrorMessage { get; init; }

    /// <summary>
    /// An existing user: the cluster links the subject's identity (handler, issuer, subject) to it, and refuses
    /// (invalid_grant) a user already linked to another identity of this handler. Later exchanges of the subject
    /// follow the link without asking the handler.
    /// </summary>
    public static UserMappingResult Existing(string userId) => new() { UserId = userId };

    /// <summary>A user to create, linked to the subject's identity; the cluster assigns its id, and creates it only where the app allows.</summary>
    public static UserMappingResult Create(HandlerUserData user) => new() { NewUser = user };

    public static UserMappingResult None(string errorMessage) => new() { ErrorMessage = errorMessage };
}
