namespace TokenExchange.Definitions;

/// <summary>A handler enabled for one app (Salesforce: OauthTokenExchHandlerApp).</summary>
public sealed record HandlerAppEnablement
{
    public required string ClientId { get; init; }

    /// <summary>This handler is the app's default when a request names none.</summary>
    public bool Default { get; init; }

    /// <summary>Whether an exchange through this app may create a user that does not exist yet.</summary>
    public bool AllowUserCreation { get; init; }

    /// <summary>The identity recorded for directory changes and audit (Salesforce: execution user).</summary>
    public string? RunAs { get; init; }
}
