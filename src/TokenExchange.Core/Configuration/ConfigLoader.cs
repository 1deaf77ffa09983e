using System.Globalization;
using System.Text.Json;
using TokenExchange.Clients;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;
using YamlDotNet.Serialization.NodeDeserializers;

namespace TokenExchange.Configuration;

/// <summary>Reads the YAML configuration file into validated definitions; plaintext secrets are hashed here.</summary>
public static class ConfigLoader
{
    // No empty list items: `apps: [~]` is a YAML error with its line, not a null that a later step trips over
    // (found by fuzzing, README "Fuzzing"; empty keys: EmptyValues).
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithNodeDeserializer(lists => new NonNullItemsDeserializer(lists), where => where.InsteadOf<CollectionNodeDeserializer>())
        .Build();

    public static ClusterDefinitions LoadFile(string path)
    {
        if (!File.Exists(path)) throw new ConfigException([$"configuration file '{path}' does not exist"]);
        return Parse(File.ReadAllText(path));
    }

    /// <summary>The file's <c>server:</c> section as configuration keys; empty when the file does not exist.</summary>
    public static IReadOnlyDictionary<string, string?> ReadServerSection(string path) =>
        File.Exists(path) ? Deserialize(File.ReadAllText(path)).Server.ToDictionary(p => p.Key, p => (string?)p.Value) : new Dictionary<string, string?>();

    /// <summary>A whole configuration: each definition checked, and the invariants across them.</summary>
    public static ClusterDefinitions Parse(string yaml) => Parse(yaml, checkAcrossDefinitions: true, StoredDefinitions.None);

    /// <summary>
    /// A document for the admin API's apply: each definition checked, but not the invariants across them,
    /// since it may refer to apps and handlers the cluster has already; the admin checks those on the
    /// result of the apply. What <c>txctl get</c> shows in place of a secret keeps the one in <paramref name="stored"/>.
    /// </summary>
    public static ClusterDefinitions ParseDocument(string yaml, StoredDefinitions? stored = null) => Parse(yaml, checkAcrossDefinitions: false, stored ?? StoredDefinitions.None);

    private static ClusterDefinitions Parse(string yaml, bool checkAcrossDefinitions, StoredDefinitions stored)
    {
        var model = Deserialize(yaml);
        var problems = new List<string>();
        var apps = model.Apps.Select((a, i) => ToApp(a, $"apps[{i}]", problems, stored)).ToList();
        var handlers = model.Handlers.Select((h, i) => ToHandler(h, $"handlers[{i}]", problems, stored)).ToList();
        var users = model.Users.Select((u, i) => ToUser(u, $"users[{i}]", problems)).ToList();
        var adminKeys = ToAdminKeys(model.Admin, problems);
        var adminTokenHolders = ToAdminTokenHolders(model.Admin, problems);
        if (problems.Count == 0 && checkAcrossDefinitions) problems.AddRange(DefinitionRules.Check(apps, handlers, users));
        if (problems.Count > 0) throw new ConfigException(problems);
        return new ClusterDefinitions(apps, handlers, users) { AdminKeyHashes = adminKeys, AdminTokenHolders = adminTokenHolders };
    }

    private static string[] ToAdminKeys(AdminModel? m, List<string> problems)
    {
        if (m is null) return [];
        var hashes = new List<string>();
        if (m.Key is { } key)
        {
            if (key.Length < AdminKeyMinimumLength) problems.Add($"admin.key must be at least {AdminKeyMinimumLength} characters (use a high-entropy key)");
            hashes.Add(ClientSecretHasher.Hash(key));
        }
        foreach (var hash in m.KeyHashes)
        {
            if (!ClientSecretHasher.IsWellFormedHash(hash)) problems.Add("admin.keyHashes: each must be 'sha256:' and the base64 of 32 bytes");
            else hashes.Add(hash);
        }
        return [.. hashes];
    }

    private static AdminTokenHolders ToAdminTokenHolders(AdminModel? m, List<string> problems)
    {
        if (m is null) return AdminTokenHolders.None;
        if (m.Clients.Any(string.IsNullOrWhiteSpace) || m.Users.Any(string.IsNullOrWhiteSpace))
            problems.Add("admin.clients and admin.users: each must be a client id or user id, not empty");
        // Users alone would grant nothing (a token counts only from a listed client): say so instead of ignoring them.
        if (m.Users.Count > 0 && m.Clients.Count == 0)
            problems.Add("admin.users needs admin.clients: an admin token counts only when its app is listed in admin.clients");
        return new AdminTokenHolders([.. m.Clients], [.. m.Users]);
    }

    /// <summary>Admin keys guard every definition of the cluster: longer than client secrets.</summary>
    public const int AdminKeyMinimumLength = 24;

    private static ConfigFileModel Deserialize(string yaml)
    {
        try
        {
            var model = Yaml.Deserialize<ConfigFileModel?>(yaml) ?? new ConfigFileModel();
            return EmptyValues.In(model).ToList() is { Count: > 0 } empty ? throw new ConfigException(empty) : model;
        }
        catch (YamlException e)
        {
            throw new ConfigException([$"line {e.Start.Line}, column {e.Start.Column}: {(e.InnerException ?? e).Message}"]);
        }
        // YamlDotNet's scanner and parser throw these, not a YamlException, on some malformed input (a global tag
        // that is not a URI, tokens after the end of a document, an escape of a surrogate code point): found by
        // fuzzing. The model is plain properties, so nothing else in this call throws them.
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new ConfigException([$"the file is not well-formed YAML: {e.Message}"]);
        }
    }

    /// <summary>One app as the Setup page edits it, checked by the rules of the configuration file.</summary>
    public static AppDefinition ParseApp(AppModel model)
    {
        var problems = new List<string>();
        var app = ToApp(model, "app", problems, StoredDefinitions.None);
        if (problems.Count > 0) throw new ConfigException(problems);
        return app;
    }

    private static AppDefinition ToApp(AppModel m, string at, List<string> problems, StoredDefinitions stored)
    {
        if (string.IsNullOrWhiteSpace(m.ClientId)) problems.Add($"{at}.clientId is required");
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
        var authMethod = m.TokenEndpointAuthMethod ?? ClientAuthMethods.ClientSecretBasic;
        var mutualTls = ClientAuthMethods.IsMutualTls(authMethod);
        if (!ClientAuthMethods.All.Contains(authMethod))
            problems.Add($"{at}.tokenEndpointAuthMethod '{authMethod}' is not one of {string.Join(", ", ClientAuthMethods.All)}");
        if (mutualTls && hashes.Count > 0)
            problems.Add($"{at}: an app that authenticates with a certificate ({authMethod}) has no clientSecret or clientSecretHashes");
        if (!mutualTls && m.TokenExchange.RequireSecret && hashes.Count == 0 && m.TokenExchange.Enabled)
            problems.Add($"{at}: requireSecret is true but no clientSecret or clientSecretHashes is given");
        var tlsClientAuth = MutualTlsConfig.ToPolicy(authMethod, m.TlsClientAuth, $"{at}.tlsClientAuth", problems);
        if (m.AccessToken.Format is not (AccessTokenFormats.Jwt or AccessTokenFormats.Opaque))
            problems.Add($"{at}.accessToken.format '{m.AccessToken.Format}' is not supported (supported: jwt, opaque)");
        var lifetime = Duration(m.AccessToken.Lifetime, $"{at}.accessToken.lifetime", problems);
        if (lifetime <= TimeSpan.Zero || lifetime > TimeSpan.FromDays(1))
            problems.Add($"{at}.accessToken.lifetime must be more than zero and at most one day");
        var refreshLifetime = Duration(m.RefreshTokens.Lifetime, $"{at}.refreshTokens.lifetime", problems);
        if (refreshLifetime < TimeSpan.FromMinutes(1) || refreshLifetime > TimeSpan.FromDays(90))
            problems.Add($"{at}.refreshTokens.lifetime must be between one minute and 90 days");
        var absoluteLifetime = m.RefreshTokens.AbsoluteLifetime is { } absoluteText
            ? Duration(absoluteText, $"{at}.refreshTokens.absoluteLifetime", problems)
            : (refreshLifetime > RefreshTokenPolicy.DefaultAbsoluteLifetime ? refreshLifetime : RefreshTokenPolicy.DefaultAbsoluteLifetime);
        if (absoluteLifetime < refreshLifetime || absoluteLifetime > TimeSpan.FromDays(365))
            problems.Add($"{at}.refreshTokens.absoluteLifetime must be at least the refresh token lifetime and at most 365 days");
        var introspectionAudiences = m.Introspection?.Audiences ?? [];
        if (introspectionAudiences.Any(a => string.IsNullOrWhiteSpace(a) || a.Any(char.IsControl)))
            problems.Add($"{at}.introspection.audiences: each must be a non-empty audience without control characters");
        var limits = m.RateLimits;
        foreach (var (name, value) in new[] { ("requestsPerSecond", limits.RequestsPerSecond), ("burst", limits.Burst), ("invalidTokensPerMinute", limits.InvalidTokensPerMinute) })
        {
            if (value is < 0 or > MaxRateLimit) problems.Add($"{at}.rateLimits.{name} must be between 0 (off) and {MaxRateLimit}");
        }
        if (limits.Burst > 0 && limits.RequestsPerSecond == 0)
            problems.Add($"{at}.rateLimits.burst needs requestsPerSecond (the rate the burst refills at)");
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
            AccessToken = new AccessTokenPolicy { Format = m.AccessToken.Format, Lifetime = lifetime, MayOutliveSubjectToken = m.AccessToken.MayOutliveSubjectToken },
            RefreshTokens = new RefreshTokenPolicy { Enabled = m.RefreshTokens.Enabled, Lifetime = refreshLifetime, AbsoluteLifetime = absoluteLifetime },
            Introspection = new IntrospectionPolicy { Audiences = [.. introspectionAudiences.Distinct(StringComparer.Ordinal)] },
            TokenEndpointAuthMethod = authMethod,
            TlsClientAuth = tlsClientAuth,
            RateLimits = new RateLimitPolicy { RequestsPerSecond = limits.RequestsPerSecond, Burst = limits.Burst, InvalidTokensPerMinute = limits.InvalidTokensPerMinute },
        };
    }

    private static HandlerDefinition ToHandler(HandlerModel m, string at, List<string> problems, StoredDefinitions stored)
    {
        if (string.IsNullOrWhiteSpace(m.Name)) problems.Add($"{at}.name is required");
        var builtIn = m.Implementation == HandlerImplementations.Jwt;
        var introspection = m.Implementation == HandlerImplementations.Introspection;
        if (!builtIn && !introspection && !m.Implementation.Contains(',', StringComparison.Ordinal))
            problems.Add($"{at}.implementation '{m.Implementation}' is neither jwt, introspection nor a .NET type as 'Namespace.Type, Assembly'");
        var tokenTypes = new List<string>();
        foreach (var type in m.AcceptedTokenTypes)
        {
            var normalized = TokenTypes.Normalize(type);
            if (normalized is null) problems.Add($"{at}.acceptedTokenTypes: '{type}' is not a token type");
            else if (builtIn && normalized is not (TokenTypes.AccessToken or TokenTypes.IdToken or TokenTypes.Jwt))
                problems.Add($"{at}.acceptedTokenTypes: the jwt implementation cannot validate '{type}'");
            // Access tokens only: an IdP refresh token would be accepted without being redeemed, outliving what it was issued for.
            else if (introspection && normalized is not TokenTypes.AccessToken)
                problems.Add($"{at}.acceptedTokenTypes: the introspection implementation validates access tokens only, not '{type}'");
            else tokenTypes.Add(normalized);
        }
        if (tokenTypes.Count == 0) problems.Add($"{at}.acceptedTokenTypes must name at least one token type");

        var inlineJwks = stored.InlineJwks(m, at, problems);
        if (builtIn && !m.DevIssuer)
        {
            if (string.IsNullOrWhiteSpace(m.Issuer)) problems.Add($"{at}.issuer is required (or devIssuer: true)");
            if (m.Jwks?.Keys is { Count: > 0 } keys) inlineJwks = JsonSerializer.Serialize(new { keys });
            else if (inlineJwks is null && (!Uri.TryCreate(m.Jwks?.Uri, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
                problems.Add($"{at}.jwks needs an http(s) uri or inline keys");
        }
        if (builtIn && m.Audiences.Count == 0) problems.Add($"{at}.audiences must name at least one audience the subject token must carry");
        IntrospectionTrust? introspectionTrust = null;
        if (introspection)
        {
            introspectionTrust = ToIntrospection(m.Introspection, $"{at}.introspection", problems, stored.IntrospectionSecret(m.Name, m.Introspection?.ClientSecret, $"{at}.introspection", problems));
            if (m.DevIssuer || m.Jwks is not null || m.Issuer is not null)
                problems.Add($"{at}: issuer, jwks and devIssuer are settings of the jwt implementation (an introspection handler's issuer is introspection.issuer)");
        }
        else if (m.Introspection is not null)
            problems.Add($"{at}.introspection is a setting of the introspection implementation, not of '{m.Implementation}'");
        foreach (var alg in m.Algorithms.Where(a => !AsymmetricAlgorithms.Contains(a)))
            problems.Add($"{at}.algorithms: '{alg}' is not allowed (only asymmetric: {string.Join(", ", AsymmetricAlgorithms)})");
        if (m.Algorithms.Count == 0) problems.Add($"{at}.algorithms must name at least one algorithm");
        // By name only: Enum.TryParse would also take numbers and comma-separated flags.
        var attributeName = Enum.GetNames<UserAttribute>().FirstOrDefault(n => n.Equals(m.UserMapping.Attribute, StringComparison.OrdinalIgnoreCase));
        var attribute = attributeName is null ? default : Enum.Parse<UserAttribute>(attributeName);
        if (attributeName is null)
            problems.Add($"{at}.userMapping.attribute '{m.UserMapping.Attribute}' is not one of federationId, username, email");
        if (string.IsNullOrWhiteSpace(m.UserMapping.Claim)) problems.Add($"{at}.userMapping.claim must name a claim");
        if (m.VerifiedClaims.Any(string.IsNullOrWhiteSpace)) problems.Add($"{at}.verifiedClaims must not hold empty names");
        foreach (var (name, claim) in new[] { ("username", m.UserAttributes.Username), ("email", m.UserAttributes.Email), ("federationId", m.UserAttributes.FederationId), ("displayName", m.UserAttributes.DisplayName) })
        {
            if (claim is not null && string.IsNullOrWhiteSpace(claim)) problems.Add($"{at}.userAttributes.{name} must name a claim");
        }
        var skew = Duration(m.ClockSkew, $"{at}.clockSkew", problems);
        if (skew < TimeSpan.Zero || skew > TimeSpan.FromMinutes(5)) problems.Add($"{at}.clockSkew must be between 0 and 5 minutes");
        var maxLifetime = Duration(m.MaxTokenLifetime, $"{at}.maxTokenLifetime", problems);
        if (maxLifetime < TimeSpan.FromMinutes(1) || maxLifetime > TimeSpan.FromDays(30))
            problems.Add($"{at}.maxTokenLifetime must be between 1 minute and 30 days");
        if (m.AuthorizedParties.Any(string.IsNullOrWhiteSpace))
            problems.Add($"{at}.authorizedParties must not hold empty names");
        if (!builtIn && m.AuthorizedParties.Count > 0)
            problems.Add($"{at}.authorizedParties is a setting of the jwt implementation");
        TimeSpan? cooldown = m.Jwks?.RefreshCooldown is { } c ? Duration(c, $"{at}.jwks.refreshCooldown", problems) : null;
        if (cooldown < TimeSpan.FromSeconds(1) || cooldown > TimeSpan.FromHours(1))
            problems.Add($"{at}.jwks.refreshCooldown must be between 1 second and 1 hour (it bounds how often the IdP is asked)");
        var timeout = Duration(m.Timeout, $"{at}.timeout", problems);
        if (timeout < TimeSpan.FromMilliseconds(10) || timeout > TimeSpan.FromSeconds(60))
            problems.Add($"{at}.timeout must be between 10 milliseconds and 60 seconds");

        var handler = new HandlerDefinition
        {
            Name = m.Name ?? "",
            Label = m.Label,
            Description = m.Description,
            Implementation = m.Implementation,
            Enabled = m.Enabled,
            AcceptedTokenTypes = [.. tokenTypes],
            Trust = new JwtTrust
            {
                Issuer = m.Issuer,
                DevIssuer = m.DevIssuer,
                JwksUri = m.Jwks?.Uri,
                InlineJwks = inlineJwks,
                JwksRefreshCooldown = cooldown,
                Audiences = [.. m.Audiences],
                Algorithms = [.. m.Algorithms],
                ClockSkew = skew,
                MaxTokenLifetime = maxLifetime,
                AuthorizedParties = [.. m.AuthorizedParties],
            },
            UserMapping = new UserMappingRule
            {
                Claim = m.UserMapping.Claim,
                Attribute = attribute,
                LinkExisting = m.UserMapping.LinkExisting,
                VerifiedClaims = [.. m.VerifiedClaims],
                UserAttributes = new UserAttributeClaims
                {
                    Username = m.UserAttributes.Username,
                    Email = m.UserAttributes.Email,
                    FederationId = m.UserAttributes.FederationId,
                    DisplayName = m.UserAttributes.DisplayName,
                },
            },
            Apps = [.. m.Apps.Select(a => new HandlerAppEnablement { ClientId = a.ClientId ?? "", Default = a.Default, AllowUserCreation = a.AllowUserCreation, RunAs = a.RunAs })],
            Settings = stored.Settings(m.Name, m.Settings, at, problems),
            Timeout = timeout,
            Introspection = introspectionTrust,
            AllowInsecureHttp = m.AllowInsecureHttp,
        };
        // Here too (not only with the rules across definitions) so that an apply document is refused with the handler's place in it.
        problems.AddRange(IdpEndpoints.Problems(handler).Select(problem => $"{at}: {problem}"));
        return handler;
    }

    private static IntrospectionTrust? ToIntrospection(IntrospectionModel? m, string at, List<string> problems, string? clientSecret)
    {
        if (m is null)
        {
            problems.Add($"{at} is required for implementation: introspection (endpoint, clientId, clientSecret; or endpoint and userinfo: true)");
            return null;
        }
        if (!Uri.TryCreate(m.Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            problems.Add($"{at}.endpoint must be an absolute http(s) URL");
        if (!m.Userinfo && (string.IsNullOrEmpty(m.ClientId) || string.IsNullOrEmpty(clientSecret)))
            problems.Add($"{at} needs clientId and clientSecret, our client credentials at the identity provider (or userinfo: true)");
        if (m.Userinfo && (m.ClientId is not null || m.ClientSecret is not null))
            problems.Add($"{at}: clientId and clientSecret are not used with userinfo: true (the subject token itself is sent)");
        if (m.Issuer is { } issuer && string.IsNullOrWhiteSpace(issuer)) problems.Add($"{at}.issuer must not be empty");
        var negative = Duration(m.NegativeCacheFor, $"{at}.negativeCacheFor", problems);
        if (negative < TimeSpan.Zero || negative > TimeSpan.FromMinutes(5))
            problems.Add($"{at}.negativeCacheFor must be between 0 and 5 minutes (a refused token is remembered briefly)");
        var positive = Duration(m.MaxCacheFor, $"{at}.maxCacheFor", problems);
        if (positive < TimeSpan.Zero || positive > TimeSpan.FromHours(1))
            problems.Add($"{at}.maxCacheFor must be between 0 and 1 hour (an active token is remembered at most that long, and never beyond its exp)");
        if (m.MaxCacheEntries is < 0 or > MaxIntrospectionCacheEntries)
            problems.Add($"{at}.maxCacheEntries must be between 0 and {MaxIntrospectionCacheEntries}");
        return new IntrospectionTrust
        {
            Endpoint = m.Endpoint ?? "",
            ClientId = m.Userinfo ? null : m.ClientId,
            ClientSecret = m.Userinfo ? null : clientSecret,
            UseUserinfo = m.Userinfo,
            Issuer = m.Issuer,
            NegativeCacheFor = negative,
            MaxCacheFor = positive,
            MaxCacheEntries = m.MaxCacheEntries,
        };
    }

    private const int MaxIntrospectionCacheEntries = 10_000_000;

    private const int MaxRateLimit = 1_000_000;

    private static UserRecord ToUser(UserModel m, string at, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(m.Id)) problems.Add($"{at}.id is required");
        return new UserRecord { Id = m.Id ?? "", Username = m.Username, Email = m.Email, FederationId = m.FederationId, DisplayName = m.DisplayName, Enabled = m.Enabled };
    }

    private static TimeSpan Duration(string text, string at, List<string> problems)
    {
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value)) return value;
        problems.Add($"{at}: '{text}' is not a duration (hh:mm:ss)");
        return TimeSpan.Zero;
    }

    private static readonly string[] AsymmetricAlgorithms = ["ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"];
}
