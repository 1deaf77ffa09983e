namespace TokenExchange.Handlers;

/// <summary>What a handler gets to validate a token.</summary>
public sealed class TokenValidationContext
{
    /// <summary>The client id of the app that presented the token.</summary>
    public required string ClientId { get; init; }

    /// <summary>The client id, under the name version 1 of this library gave it.</summary>
    [Obsolete("Use ClientId: this property always held the app's client id, not its name.")]
    public string AppName { get => ClientId; init => ClientId = value; }

    /// <summary>The kind of app (connected_app, external_client_app).</summary>
    public required string AppKind { get; init; }

    /// <summary>The subject token as presented.</summary>
    public required string Token { get; init; }

    /// <summary>Its declared type, an RFC 8693 URN (urn:ietf:params:oauth:token-type:access_token, ...).</summary>
    public required string TokenType { get; init; }

    public required HandlerServices Services { get; init; }

    /// <summary>Cancelled when the exchange's time budget runs out or the client goes away.</summary>
    public CancellationToken CancellationToken { get; init; }
}
