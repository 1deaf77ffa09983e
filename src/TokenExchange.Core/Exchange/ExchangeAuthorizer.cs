using TokenExchange.Clients;
using TokenExchange.Definitions;

namespace TokenExchange.Exchange;

/// <summary>
/// The front door's part of an exchange, as an ordered list of small rules, each failing with one
/// specific OAuth error: request shape, client authentication, app policy, handler choice, targets.
/// Pure: it reads a <see cref="DefinitionSnapshot"/> and calls nothing.
/// </summary>
public sealed class ExchangeAuthorizer(ExchangeLimits limits)
{
    private const string ClientAuthenticationFailed = "client authentication failed";

    public Authorization Authorize(ExchangeRequest request, DefinitionSnapshot definitions)
    {
        if (CheckShape(request) is { } shapeError) return shapeError;
        var subjectTokenType = TokenTypes.Normalize(request.SubjectTokenType)!;

        var (authenticated, clientError) = AuthenticateClient(definitions, request.ClientId!, request.ClientSecret, request.ClientCertificate);
        if (clientError is not null) return clientError;
        var app = authenticated!;

        var handlerName = string.IsNullOrEmpty(request.TokenHandler) ? null : request.TokenHandler;
        if (handlerName is null && !definitions.DefaultHandlers.TryGetValue(app.ClientId, out handlerName))
            return Errors.InvalidRequest("no token_handler given and the client has no default handler");
        if (!definitions.Handlers.TryGetValue(handlerName, out var handler))
            return Errors.InvalidRequest("unknown token_handler");
        var enablement = Array.Find(handler.Enablements, e => e.ClientId == app.ClientId);
        if (enablement is null)
            return Errors.UnauthorizedClient("the token handler is not enabled for this client");
        if (!handler.Enabled)
            return Errors.UnauthorizedClient("the token handler is disabled", $"handler {handler.Name} is disabled");
        if (!handler.AcceptedTokenTypes.Contains(subjectTokenType))
            return Errors.InvalidRequest("the token handler does not accept this subject_token_type");
        var actorTokenType = TokenTypes.Normalize(request.ActorTokenType);
        if (actorTokenType is not null && !handler.AcceptedTokenTypes.Contains(actorTokenType))
            return Errors.InvalidRequest("the token handler does not accept this actor_token_type");

        var requestedTokenType = request.RequestedTokenType is { Length: > 0 } requested
            ? TokenTypes.Normalize(requested)
            : TokenTypes.AccessToken;
        var refreshAllowed = app.RefreshTokens.Enabled;
        if (requestedTokenType is not (TokenTypes.AccessToken or TokenTypes.Jwt or TokenTypes.IdToken) && !(requestedTokenType == TokenTypes.RefreshToken && refreshAllowed))
            return Errors.InvalidRequest("requested_token_type is not one this client may be issued");

        if (GrantScopes(app, request.Scopes, out var scopes) is { } scopeError) return scopeError;
        if (requestedTokenType == TokenTypes.IdToken && !scopes.Contains(StandardScopes.OpenId))
            return Errors.InvalidRequest("an id_token is issued only when the openid scope is requested");
        if (ResolveAudiences(app, request, out var audiences) is { } targetError) return targetError;

        return new AuthorizedExchange
        {
            App = app,
            Enablement = enablement,
            HandlerName = handler.Name,
            SubjectToken = request.SubjectToken!,
            SubjectTokenType = subjectTokenType,
            RequestedTokenType = requestedTokenType,
            Scopes = scopes,
            Audiences = audiences,
            ActorToken = actorTokenType is null ? null : request.ActorToken,
            ActorTokenType = actorTokenType,
            IssueRefreshToken = refreshAllowed && (requestedTokenType == TokenTypes.RefreshToken || scopes.Contains(StandardScopes.OfflineAccess)),
            CertificateThumbprint = CertificateBinding(app, request.ClientCertificate),
        };
    }

    private OAuthError? CheckShape(ExchangeRequest request)
    {
        if (string.IsNullOrEmpty(request.ClientId)) return Errors.InvalidRequest("client_id is required");
        if (string.IsNullOrEmpty(request.SubjectToken)) return Errors.InvalidRequest("subject_token is required");
        if (string.IsNullOrEmpty(request.SubjectTokenType)) return Errors.InvalidRequest("subject_token_type is required");
        if (request.SubjectToken.Length > limits.MaxTokenLength)
            return Errors.InvalidRequest($"subject_token is longer than {limits.MaxTokenLength} characters");
        if (request.ActorToken?.Length > limits.MaxTokenLength)
            return Errors.InvalidRequest($"actor_token is longer than {limits.MaxTokenLength} characters");
        foreach (var (name, value) in SingleValuedParameters(request))
        {
            if (value?.Length > limits.MaxParameterLength)
                return Errors.InvalidRequest($"{name} is longer than {limits.MaxParameterLength} characters");
        }
        foreach (var (name, values) in RepeatedParameters(request))
        {
            if (values.Length > limits.MaxRepeatedValues)
                return Errors.InvalidRequest($"{name} has more than {limits.MaxRepeatedValues} values");
            if (values.Any(v => string.IsNullOrEmpty(v) || v.Length > limits.MaxParameterLength))
                return Errors.InvalidRequest($"{name} has an empty or overlong value");
        }
        foreach (var (name, value) in SingleValuedParameters(request).Concat([("subject_token", request.SubjectToken), ("actor_token", request.ActorToken)])
            .Concat(RepeatedParameters(request).SelectMany(p => p.Item2.Select(v => (p.Item1, (string?)v)))))
        {
            if (value is not null && !ParameterText.IsClean(value)) return Errors.InvalidRequest(ParameterText.Refusal(name));
        }
        if (TokenTypes.Normalize(request.SubjectTokenType) is null)
            return Errors.InvalidRequest("subject_token_type is not a supported token type");
        // RFC 8693 section 2.1: actor_token_type is required with an actor token, and only with one.
        if (string.IsNullOrEmpty(request.ActorToken) != string.IsNullOrEmpty(request.ActorTokenType))
            return Errors.InvalidRequest("actor_token and actor_token_type go together");
        if (!string.IsNullOrEmpty(request.ActorTokenType) && TokenTypes.Normalize(request.ActorTokenType) is null)
            return Errors.InvalidRequest("actor_token_type is not a supported token type");
        return null;
    }

    /// <summary>
    /// The client, authenticated, with token exchange enabled for it (shared by exchange and refresh): unknown
    /// client, missing or wrong secret or certificate are all one invalid_client, so the endpoint does not tell which.
    /// </summary>
    public static (AppDefinition? App, OAuthError? Error) AuthenticateClient(DefinitionSnapshot definitions, string clientId, string? secret, ClientCertificate? certificate = null)
    {
        var (app, error) = AuthenticateApp(definitions, clientId, secret, requireSecret: false, certificate);
        if (error is not null) return (null, error);
        return app!.TokenExchangeEnabled ? (app, null) : (null, Errors.UnauthorizedClient("token exchange is not enabled for this client"));
    }

    /// <summary>
    /// The app, authenticated. With <paramref name="requireSecret"/> a secret is needed whatever the app's
    /// policy (introspection and revocation, which also serve apps that never exchange). An app registered for
    /// mutual TLS (RFC 8705) always authenticates with its client certificate instead, and never with a secret.
    /// </summary>
    public static (AppDefinition? App, OAuthError? Error) AuthenticateApp(DefinitionSnapshot definitions, string? clientId, string? secret, bool requireSecret, ClientCertificate? certificate = null)
    {
        if (string.IsNullOrEmpty(clientId) || !definitions.Apps.TryGetValue(clientId, out var app))
            return (null, Errors.InvalidClient(ClientAuthenticationFailed, "unknown client_id"));
        if (ClientAuthMethods.IsMutualTls(app.TokenEndpointAuthMethod))
            return MutualTlsAuthentication.Verify(app, certificate, secret) is { } certificateError ? (null, certificateError) : (app, null);
        if (requireSecret && string.IsNullOrEmpty(secret)) return (null, Errors.InvalidClient(ClientAuthenticationFailed, "client_secret missing"));
        return Authenticate(app, secret) is { } clientError ? (null, clientError) : (app, null);
    }

    private static OAuthError? Authenticate(AppDefinition app, string? secret)
    {
        if (string.IsNullOrEmpty(secret))
            return app.RequireSecret ? Errors.InvalidClient(ClientAuthenticationFailed, "client_secret missing") : null;
        // A secret that is presented is always checked, even where the app does not require one.
        return ClientSecretHasher.Verify(secret, app.SecretHashes)
            ? null
            : Errors.InvalidClient(ClientAuthenticationFailed, "client_secret does not match");
    }

    /// <summary>
    /// RFC 8705 section 3: tokens issued to an app that authenticated with its certificate are bound to that
    /// certificate (the <c>cnf</c> claim). Secret apps get unbound tokens even when they present a certificate.
    /// </summary>
    public static string? CertificateBinding(AppDefinition app, ClientCertificate? certificate) =>
        ClientAuthMethods.IsMutualTls(app.TokenEndpointAuthMethod) ? certificate?.Thumbprint : null;

    private static OAuthError? GrantScopes(AppDefinition app, string[] requested, out string[] granted)
    {
        granted = requested.Distinct(StringComparer.Ordinal).ToArray();
        foreach (var scope in granted)
        {
            if (!app.AllowedScopes.Contains(scope, StringComparer.Ordinal))
                return Errors.InvalidScope($"scope '{Printable(scope)}' is not allowed for this client");
        }
        return null;
    }

    /// <summary>
    /// audience and resource values are targets; each must be allowed for the app. With none requested,
    /// an app with exactly one allowed audience gets it, an app with none gets its own client id
    /// (the token is then only good for the app itself), and an app with several must say which.
    /// </summary>
    private static OAuthError? ResolveAudiences(AppDefinition app, ExchangeRequest request, out string[] audiences)
    {
        audiences = request.Audiences.Concat(request.Resources).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var target in audiences)
        {
            if (!app.AllowedAudiences.Contains(target, StringComparer.Ordinal))
                return Errors.InvalidTarget($"target '{Printable(target)}' is not allowed for this client");
        }
        if (audiences.Length > 0) return null;
        switch (app.AllowedAudiences.Length)
        {
            case 0: audiences = [app.ClientId]; return null;
            case 1: audiences = [app.AllowedAudiences[0]]; return null;
            default: return Errors.InvalidTarget("this client may target several audiences: name one with audience or resource");
        }
    }

    /// <summary>Echo a short, printable form of a client-supplied value; never control characters or long input.</summary>
    private static string Printable(string value)
    {
        var clipped = value.Length > 64 ? value[..64] + "…" : value;
        return string.Concat(clipped.Select(c => char.IsControl(c) ? '?' : c));
    }

    private static IEnumerable<(string, string?)> SingleValuedParameters(ExchangeRequest r) =>
    [
        ("client_id", r.ClientId), ("client_secret", r.ClientSecret), ("subject_token_type", r.SubjectTokenType),
        ("actor_token_type", r.ActorTokenType), ("requested_token_type", r.RequestedTokenType), ("token_handler", r.TokenHandler),
    ];

    private static IEnumerable<(string, string[])> RepeatedParameters(ExchangeRequest r) =>
        [("scope", r.Scopes), ("audience", r.Audiences), ("resource", r.Resources)];
}

/// <summary>The front door's verdict: an authorized exchange or an OAuth error.</summary>
public readonly record struct Authorization(AuthorizedExchange? Exchange, OAuthError? Error)
{
    public static implicit operator Authorization(AuthorizedExchange exchange) => new(exchange, null);
    public static implicit operator Authorization(OAuthError error) => new(null, error);
}

public static class StandardScopes
{
    public const string OpenId = "openid";

    /// <summary>Asks for a refresh token (OpenID Connect Core section 11).</summary>
    public const string OfflineAccess = "offline_access";
}
