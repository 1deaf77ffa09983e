using Orleans.Concurrency;
using TokenExchange.Definitions;
using TokenExchange.Exchange;

namespace TokenExchange.Grains;

/// <summary>
/// Per (handler, issuer, subject): the mapped user, cached. The only cross-silo call of an exchange,
/// partitioned by subject.
/// </summary>
[Alias("tx.ISubjectSessionGrain")]
public interface ISubjectSessionGrain : IGrainWithStringKey
{
    [Alias("ResolveUser")] Task<UserResolution> ResolveUser(UserLookup lookup);

    /// <summary>Called by the user grain when the cached user changed.</summary>
    [OneWay, Alias("UserChanged")] Task UserChanged(UserRecord user);
}

/// <summary>What the handler grain asks of a subject session: find (or create) the user for this subject.</summary>
[GenerateSerializer, Immutable, Alias("tx.UserLookup")]
public sealed record UserLookup
{
    [Id(0)] public required UserAttribute Attribute { get; init; }

    /// <summary>The mapped claim's value; null when the token lacks it (or, for email, it is unverified).</summary>
    [Id(1)] public string? Value { get; init; }

    [Id(2)] public bool AllowUserCreation { get; init; }

    /// <summary>The user to create when none maps and creation is allowed (its id is assigned by the cluster).</summary>
    [Id(3)] public UserRecord? Candidate { get; init; }
}

[GenerateSerializer, Immutable, Alias("tx.UserResolution")]
public sealed record UserResolution(
    [property: Id(0)] UserRecord? User,
    [property: Id(1)] OAuthError? Error,
    [property: Id(2)] bool Created = false);
