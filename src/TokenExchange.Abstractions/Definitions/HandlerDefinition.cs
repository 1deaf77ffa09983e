namespace TokenExchange.Definitions;

/// <summary>A token exchange handler definition (Salesforce: OauthTokenExchangeHandler).</summary>
[GenerateSerializer, Immutable, Alias("tx.HandlerDefinition")]
public sealed record HandlerDefinition
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public string? Label { get; init; }
    [Id(2)] public string? Description { get; init; }

    /// <summary>The implementation: <c>jwt</c> is built in.</summary>
    [Id(3)] public string Implementation { get; init; } = HandlerImplementations.Jwt;

    [Id(4)] public bool Enabled { get; init; } = true;

    /// <summary>Accepted subject token types, as full RFC 8693 URNs.</summary>
    [Id(5)] public string[] AcceptedTokenTypes { get; init; } = [];

    [Id(6)] public JwtTrust Trust { get; init; } = new();

    [Id(7)] public UserMappingRule UserMapping { get; init; } = new();

    [Id(8)] public HandlerAppEnablement[] Apps { get; init; } = [];
}

public static class HandlerImplementations
{
    public const string Jwt = "jwt";
}
