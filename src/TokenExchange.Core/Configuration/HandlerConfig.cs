using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Handlers;

namespace TokenExchange.Configuration;

/// <summary>
/// A <c>handlers:</c> entry as a <see cref="HandlerDefinition"/>: the settings every implementation shares (name,
/// token types, algorithms, user mapping, time limits, enablements) are checked here; the implementation's own
/// settings by its mapper (<see cref="HandlerImplementationConfig"/>).
/// </summary>
internal static class HandlerConfig
{
    private static readonly string[] AsymmetricAlgorithms = ["ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"];

    public static HandlerDefinition ToDefinition(HandlerModel m, string at, List<string> problems, StoredDefinitions stored)
    {
        if (string.IsNullOrWhiteSpace(m.Name)) problems.Add($"{at}.name is required");
        var implementation = HandlerImplementationConfig.Of(m, at, problems);
        var tokenTypes = AcceptedTokenTypes(m, implementation, at, problems);
        var trust = implementation.Map(m, at, problems, stored, stored.InlineJwks(m, at, problems));
        foreach (var alg in m.Algorithms.Where(a => !AsymmetricAlgorithms.Contains(a)))
            problems.Add($"{at}.algorithms: '{alg}' is not allowed (only asymmetric: {string.Join(", ", AsymmetricAlgorithms)})");
        if (m.Algorithms.Count == 0) problems.Add($"{at}.algorithms must name at least one algorithm");
        var userMapping = UserMapping(m, at, problems);
        var skew = ConfigDurations.Parse(m.ClockSkew, $"{at}.clockSkew", problems);
        if (skew < TimeSpan.Zero || skew > TimeSpan.FromMinutes(5)) problems.Add($"{at}.clockSkew must be between 0 and 5 minutes");
        var maxLifetime = ConfigDurations.Parse(m.MaxTokenLifetime, $"{at}.maxTokenLifetime", problems);
        if (maxLifetime < TimeSpan.FromMinutes(1) || maxLifetime > TimeSpan.FromDays(30))
            problems.Add($"{at}.maxTokenLifetime must be between 1 minute and 30 days");
        if (m.AuthorizedParties.Any(string.IsNullOrWhiteSpace))
            problems.Add($"{at}.authorizedParties must not hold empty names");
        TimeSpan? cooldown = m.Jwks?.RefreshCooldown is { } c ? ConfigDurations.Parse(c, $"{at}.jwks.refreshCooldown", problems) : null;
        if (cooldown < TimeSpan.FromSeconds(1) || cooldown > TimeSpan.FromHours(1))
            problems.Add($"{at}.jwks.refreshCooldown must be between 1 second and 1 hour (it bounds how often the IdP is asked)");
        var timeout = ConfigDurations.Parse(m.Timeout, $"{at}.timeout", problems);
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
                InlineJwks = trust.InlineJwks,
                JwksRefreshCooldown = cooldown,
                Audiences = [.. m.Audiences],
                Algorithms = [.. m.Algorithms],
                ClockSkew = skew,
                MaxTokenLifetime = maxLifetime,
                AuthorizedParties = [.. m.AuthorizedParties],
                ValidationCache = trust.ValidationCache ?? ValidationCachePolicy.Default,
            },
            UserMapping = userMapping,
            Enablements = [.. m.Apps.Select(a => new HandlerAppEnablement { ClientId = a.ClientId ?? "", Default = a.Default, AllowUserCreation = a.AllowUserCreation, RunAs = a.RunAs })],
            Settings = stored.Settings(m.Name, m.Settings, at, problems),
            Timeout = timeout,
            Introspection = trust.Introspection,
            AllowInsecureHttp = m.AllowInsecureHttp,
        };
        // Here too (not only with the rules across definitions) so that an apply document is refused with the handler's place in it.
        problems.AddRange(IdpEndpoints.Problems(handler).Select(problem => $"{at}: {problem}"));
        return handler;
    }

    /// <summary>The token types, normalized to their URNs; each must be one the implementation can validate.</summary>
    private static List<string> AcceptedTokenTypes(HandlerModel m, HandlerImplementationConfig implementation, string at, List<string> problems)
    {
        var tokenTypes = new List<string>();
        foreach (var type in m.AcceptedTokenTypes)
        {
            var normalized = TokenTypes.Normalize(type);
            if (normalized is null) problems.Add($"{at}.acceptedTokenTypes: '{type}' is not a token type");
            // The cluster replaces its own transaction tokens itself; no handler ever validates one (docs/spec.md, transaction tokens).
            else if (normalized == TokenTypes.TxnToken) problems.Add($"{at}.acceptedTokenTypes: txn_token is not for handlers: the cluster replaces its transaction tokens itself");
            else if (implementation.TokenTypeProblem(normalized, type, at) is { } problem) problems.Add(problem);
            else tokenTypes.Add(normalized);
        }
        if (tokenTypes.Count == 0) problems.Add($"{at}.acceptedTokenTypes must name at least one token type");
        return tokenTypes;
    }

    /// <summary>How a subject becomes a user (the rule-based mapping's settings; a plugin may use them or not).</summary>
    private static UserMappingRule UserMapping(HandlerModel m, string at, List<string> problems)
    {
        // By name only: Enum.TryParse would also take numbers and comma-separated flags.
        var attributeName = Enum.GetNames<UserField>().FirstOrDefault(n => n.Equals(m.UserMapping.Attribute, StringComparison.OrdinalIgnoreCase));
        var attribute = attributeName is null ? default : Enum.Parse<UserField>(attributeName);
        if (attributeName is null)
            problems.Add($"{at}.userMapping.attribute '{m.UserMapping.Attribute}' is not one of federationId, username, email");
        if (string.IsNullOrWhiteSpace(m.UserMapping.Claim)) problems.Add($"{at}.userMapping.claim must name a claim");
        if (m.VerifiedClaims.Any(string.IsNullOrWhiteSpace)) problems.Add($"{at}.verifiedClaims must not hold empty names");
        foreach (var (name, claim) in new[] { ("username", m.UserAttributes.Username), ("email", m.UserAttributes.Email), ("federationId", m.UserAttributes.FederationId), ("displayName", m.UserAttributes.DisplayName) })
        {
            if (claim is not null && string.IsNullOrWhiteSpace(claim)) problems.Add($"{at}.userAttributes.{name} must name a claim");
        }
        return new UserMappingRule
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
        };
    }
}
