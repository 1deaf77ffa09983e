namespace TokenExchange.Definitions;

/// <summary>A handler enabled for one app (Salesforce: OauthTokenExchHandlerApp).</summary>
[GenerateSerializer, Immutable, Alias("tx.HandlerAppEnablement")]
public sealed record HandlerAppEnablement
{
    [Id(0)] public required string ClientId { get; init; }

    /// <summary>This handler is the app's default when a request names none.</summary>
    [Id(1)] public bool Default { get; init; }

    /// <summary>Whether an exchange through this app may create a user that does not exist yet.</summary>
    [Id(2)] public bool AllowUserCreation { get; init; }

    /// <summary>The identity recorded for directory changes and audit (Salesforce: execution user).</summary>
    [Id(3)] public string? RunAs { get; init; }
}
