namespace TokenExchange.Definitions;

/// <summary>
/// A user's identity at an identity provider, as one handler sees it: the link an exchange follows to the
/// user. Two handlers never share a link, even when their IdPs use the same subject values.
/// </summary>
public sealed record ExternalIdentity(
    string Handler,
    string Issuer,
    string Subject);
