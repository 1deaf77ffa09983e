namespace TokenExchange.Definitions;

/// <summary>
/// A user's identity at an identity provider, as one handler sees it: the link an exchange follows to the
/// user. Two handlers never share a link, even when their IdPs use the same subject values.
/// </summary>
[GenerateSerializer, Immutable, Alias("tx.ExternalIdentity")]
public sealed record ExternalIdentity(
    [property: Id(0)] string Handler,
    [property: Id(1)] string Issuer,
    [property: Id(2)] string Subject);
