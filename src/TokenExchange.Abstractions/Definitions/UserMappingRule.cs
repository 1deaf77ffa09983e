namespace TokenExchange.Definitions;

/// <summary>How a subject maps to a local user: the value of <see cref="Claim"/> matched against <see cref="Attribute"/>.</summary>
[GenerateSerializer, Immutable, Alias("tx.UserMappingRule")]
public sealed record UserMappingRule
{
    [Id(0)] public string Claim { get; init; } = "sub";
    [Id(1)] public UserAttribute Attribute { get; init; } = UserAttribute.FederationId;
}

[GenerateSerializer, Alias("tx.UserAttribute")]
public enum UserAttribute
{
    FederationId,
    Username,
    Email,
}
