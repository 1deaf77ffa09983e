using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// The <see cref="TokenValidationParameters"/> of one jwt handler, built once per key set instead of once per
/// exchange: they differ only by the handler's keys (the same list instance until the JWKS is fetched again,
/// <see cref="IKeySource"/>) and by whether the token names its key. The handler only reads them, so one
/// instance serves every request at once, as ASP.NET Core's JWT bearer handler shares its own.
/// </summary>
internal sealed class SubjectTokenParameters(string issuer, string[] audiences, HashSet<string> algorithms)
{
    private Built? current;

    public TokenValidationParameters For(IReadOnlyList<SecurityKey> keys, bool tokenNamesItsKey)
    {
        var built = Volatile.Read(ref current);
        if (built is null || !ReferenceEquals(built.Keys, keys))
        {
            // A racing request may build the same parameters too; either instance is right.
            built = new Built(keys, Create(keys, tryAllKeys: false), Create(keys, tryAllKeys: true));
            Volatile.Write(ref current, built);
        }
        return tokenNamesItsKey ? built.ByKid : built.AllKeys;
    }

    private TokenValidationParameters Create(IReadOnlyList<SecurityKey> keys, bool tryAllKeys) => new()
    {
        ValidIssuer = issuer,
        ValidAudiences = audiences,
        ValidateAudience = true,
        ValidAlgorithms = algorithms,
        IssuerSigningKeys = keys,
        TryAllIssuerSigningKeys = tryAllKeys,
        RequireSignedTokens = true,
        // Lifetime (exp required) is checked by the validator against the injected clock, after the signature.
        ValidateLifetime = false,
        ValidateIssuerSigningKey = false,
    };

    private sealed record Built(IReadOnlyList<SecurityKey> Keys, TokenValidationParameters ByKid, TokenValidationParameters AllKeys);
}
