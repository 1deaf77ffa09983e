namespace TokenExchange.Definitions;

/// <summary>A local user of the cluster's user directory.</summary>
public sealed record UserRecord
{
    public required string Id { get; init; }
    public string? Username { get; init; }
    public string? Email { get; init; }
    public string? FederationId { get; init; }
    public string? DisplayName { get; init; }
    public bool Enabled { get; init; } = true;

    public string? Get(UserAttribute attribute) => attribute switch
    {
        UserAttribute.FederationId => FederationId,
        UserAttribute.Username => Username,
        UserAttribute.Email => Email,
        _ => null,
    };
}
