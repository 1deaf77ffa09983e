using System.Text.Json;
using System.Text.Json.Serialization;
using TokenExchange.Definitions;

namespace TokenExchange.Server.Admin;

/// <summary>
/// Definitions as the admin API shows them: the configuration file's shape, in JSON, without secrets
/// (an app says how many secrets it has, never their hashes).
/// </summary>
public static class DefinitionViews
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string App(AppDefinition app) => JsonSerializer.Serialize(new
    {
        app.ClientId,
        app.Label,
        app.Kind,
        Secrets = app.SecretHashes.Length,
        TokenExchange = new { Enabled = app.TokenExchangeEnabled, app.RequireSecret },
        app.AllowedScopes,
        app.AllowedAudiences,
        AccessToken = new { app.AccessToken.Format, Lifetime = app.AccessToken.Lifetime.ToString("c"), app.AccessToken.MayOutliveSubjectToken },
    }, Json);

    public static string Handler(HandlerDefinition handler) => JsonSerializer.Serialize(new
    {
        handler.Name,
        handler.Label,
        handler.Description,
        handler.Implementation,
        handler.Enabled,
        handler.AcceptedTokenTypes,
        handler.Trust.Issuer,
        handler.Trust.DevIssuer,
        Jwks = handler.Trust.JwksUri is { } uri ? new { Uri = uri } : null,
        InlineKeys = handler.Trust.InlineJwks is not null,
        // The endpoint and our client id at it; never our client secret.
        Introspection = handler.Introspection is { } i ? new { i.Endpoint, i.ClientId, i.UseUserinfo, i.Issuer } : null,
        handler.Trust.Audiences,
        handler.Trust.Algorithms,
        ClockSkew = handler.Trust.ClockSkew.ToString("c"),
        MaxTokenLifetime = handler.Trust.MaxTokenLifetime.ToString("c"),
        handler.Trust.AuthorizedParties,
        handler.UserMapping,
        handler.Apps,
    }, Json);

    public static string User(UserRecord user) => JsonSerializer.Serialize(user, Json);
}
