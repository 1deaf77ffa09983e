using TokenExchange.Handlers;

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

    public string? Get(UserField attribute) => attribute switch
    {
        UserField.FederationId => FederationId,
        UserField.Username => Username,
        UserField.Email => Email,
        _ => null,
    };
}
