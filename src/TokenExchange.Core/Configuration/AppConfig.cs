using TokenExchange.Clients;
using TokenExchange.Definitions;

namespace TokenExchange.Configuration;

/// <summary>An <c>apps:</c> entry of the configuration file as an <see cref="AppDefinition"/>: plaintext secrets hashed, each setting checked.</summary>
internal static class AppConfig
{
    private const int MaxRateLimit = 1_000_000;

    public static AppDefinition ToDefinition(AppModel m, string at, List<string> problems, StoredDefinitions stored)
    {
        if (string.IsNullOrWhiteSpace(m.ClientId)) problems.Add($"{at}.clientId is required");
        var (hashes, hints) = Secrets(m, at, problems, stored);
        var authMethod = m.TokenEndpointAuthMethod ?? ClientAuthMethods.ClientSecretBasic;
        var tlsClientAuth = Authentication(m, authMethod, hashes.Count > 0, at, problems);
        if (m.AccessToken.Format is not (AccessTokenFormats.Jwt or AccessTokenFormats.Opaque))
            problems.Add($"{at}.accessToken.format '{m.AccessToken.Format}' is not supported (supported: jwt, opaque)");
        var lifetime = ConfigDurations.Parse(m.AccessToken.Lifetime, $"{at}.accessToken.lifetime", problems);
        if (lifetime <= TimeSpan.Zero || lifetime > TimeSpan.FromDays(1))
            problems.Add($"{at}.accessToken.lifetime must be more than zero and at most one day");
        var refreshTokens = RefreshTokens(m.RefreshTokens, at, problems);
        var transactionTokens = TransactionTokens(m.TransactionTokens, at, problems);
        var introspectionAudiences = m.Introspection?.Audiences ?? [];
        if (introspectionAudiences.Any(a => string.IsNullOrWhiteSpace(a) || a.Any(char.IsControl)))
            problems.Add($"{at}.introspection.audiences: each must be a non-empty audience without control characters");
        return new AppDefinition
        {
            ClientId = m.ClientId ?? "",
            Label = m.Label,
            Kind = m.Kind ?? AppKinds.ConnectedApp,
            SecretHashes = [.. hashes],
            SecretHints = [.. hints],
            TokenExchangeEnabled = m.TokenExchange.Enabled,
            RequireSecret = m.TokenExchange.RequireSecret,
            AllowedScopes = [.. m.AllowedScopes],
            AllowedAudiences = [.. m.AllowedAudiences],
            AccessToken = new AccessTokenPolicy { Format = m.AccessToken.Format, Lifetime = lifetime, MayOutliveSubjectToken = m.AccessToken.MayOutliveSubjectToken, RequireDpop = m.RequireDpop ?? false, RequireDpopNonce = m.RequireDpopNonce ?? false },
            RefreshTokens = refreshTokens,
            TransactionTokens = transactionTokens,
            Introspection = new IntrospectionPolicy { Audiences = [.. introspectionAudiences.Distinct(StringComparer.Ordinal)] },
            TokenEndpointAuthMethod = authMethod,
            TlsClientAuth = tlsClientAuth,
            RateLimits = RateLimits(m.RateLimits, at, problems),
        };
    }

    /// <summary>The app's secret hashes (with the hint of each plaintext one): those kept from <paramref name="stored"/>, then the given ones.</summary>
    private static (List<string> Hashes, List<string> Hints) Secrets(AppModel m, string at, List<string> problems, StoredDefinitions stored)
    {
        var kept = stored.Secrets(m, at, problems);
        var hashes = new List<string>(kept?.Hashes ?? []);
        var hints = new List<string>(kept?.Hints ?? []);
        if (m.ClientSecret is { } secret)
        {
            if (secret.Length < ClientSecretHasher.MinimumSecretLength)
                problems.Add($"{at}.clientSecret must be at least {ClientSecretHasher.MinimumSecretLength} characters (use a high-entropy secret)");
            hashes.Add(ClientSecretHasher.Hash(secret));
            hints.Add(ClientSecretHasher.Hint(secret));
        }
        foreach (var hash in m.ClientSecretHashes)
        {
            if (!ClientSecretHasher.IsWellFormedHash(hash)) problems.Add($"{at}.clientSecretHashes: each must be 'sha256:' and the base64 of 32 bytes");
            else
            {
                hashes.Add(hash);
                hints.Add("");
            }
        }
        return (hashes, hints);
    }

    /// <summary>How the app authenticates: secrets or a certificate (RFC 8705), never both; the certificate's registration.</summary>
    private static TlsClientAuthPolicy? Authentication(AppModel m, string authMethod, bool hasSecrets, string at, List<string> problems)
    {
        var mutualTls = ClientAuthMethods.IsMutualTls(authMethod);
        if (!ClientAuthMethods.All.Contains(authMethod))
            problems.Add($"{at}.tokenEndpointAuthMethod '{authMethod}' is not one of {string.Join(", ", ClientAuthMethods.All)}");
        if (mutualTls && hasSecrets)
            problems.Add($"{at}: an app that authenticates with a certificate ({authMethod}) has no clientSecret or clientSecretHashes");
        if (!mutualTls && m.TokenExchange.RequireSecret && !hasSecrets && m.TokenExchange.Enabled)
            problems.Add($"{at}: requireSecret is true but no clientSecret or clientSecretHashes is given");
        return MutualTlsConfig.ToPolicy(authMethod, m.TlsClientAuth, $"{at}.tlsClientAuth", problems);
    }

    private static RefreshTokenPolicy RefreshTokens(RefreshTokensModel m, string at, List<string> problems)
    {
        var lifetime = ConfigDurations.Parse(m.Lifetime, $"{at}.refreshTokens.lifetime", problems);
        if (lifetime < TimeSpan.FromMinutes(1) || lifetime > TimeSpan.FromDays(90))
            problems.Add($"{at}.refreshTokens.lifetime must be between one minute and 90 days");
        var absoluteLifetime = m.AbsoluteLifetime is { } absoluteText
            ? ConfigDurations.Parse(absoluteText, $"{at}.refreshTokens.absoluteLifetime", problems)
            : (lifetime > RefreshTokenPolicy.DefaultAbsoluteLifetime ? lifetime : RefreshTokenPolicy.DefaultAbsoluteLifetime);
        if (absoluteLifetime < lifetime || absoluteLifetime > TimeSpan.FromDays(365))
            problems.Add($"{at}.refreshTokens.absoluteLifetime must be at least the refresh token lifetime and at most 365 days");
        return new RefreshTokenPolicy { Enabled = m.Enabled, Lifetime = lifetime, AbsoluteLifetime = absoluteLifetime };
    }

    /// <summary>Short-lived by the draft ("on the order of minutes or less"): more than zero and at most an hour.</summary>
    private static TransactionTokenPolicy TransactionTokens(TransactionTokensModel? m, string at, List<string> problems)
    {
        if (m is null) return new TransactionTokenPolicy();
        var lifetime = ConfigDurations.Parse(m.Lifetime, $"{at}.transactionTokens.lifetime", problems);
        if (lifetime <= TimeSpan.Zero || lifetime > TimeSpan.FromHours(1))
            problems.Add($"{at}.transactionTokens.lifetime must be more than zero and at most one hour");
        return new TransactionTokenPolicy { Issue = m.Issue, Replace = m.Replace, Lifetime = lifetime };
    }

    private static RateLimitPolicy RateLimits(RateLimitsModel limits, string at, List<string> problems)
    {
        foreach (var (name, value) in new[] { ("requestsPerSecond", limits.RequestsPerSecond), ("burst", limits.Burst), ("invalidTokensPerMinute", limits.InvalidTokensPerMinute) })
        {
            if (value is < 0 or > MaxRateLimit) problems.Add($"{at}.rateLimits.{name} must be between 0 (off) and {MaxRateLimit}");
        }
        if (limits.Burst > 0 && limits.RequestsPerSecond == 0)
            problems.Add($"{at}.rateLimits.burst needs requestsPerSecond (the rate the burst refills at)");
        return new RateLimitPolicy { RequestsPerSecond = limits.RequestsPerSecond, Burst = limits.Burst, InvalidTokensPerMinute = limits.InvalidTokensPerMinute };
    }
}
