namespace TokenExchange.Definitions;

/// <summary>A local user of the cluster's user directory.</summary>
[GenerateSerializer, Immutable, Alias("tx.UserRecord")]
public sealed record UserRecord
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public string? Username { get; init; }
    [Id(2)] public string? Email { get; init; }
    [Id(3)] public string? FederationId { get; init; }
    [Id(4)] public string? DisplayName { get; init; }
    [Id(5)] public bool Enabled { get; init; } = true;

    public string? Get(UserAttribute attribute) => attribute switch
    {
        UserAttribute.FederationId => FederationId,
        UserAttribute.Username => Username,
        UserAttribute.Email => Email,
        _ => null,
    };
}
