using TokenExchange.Configuration;
using TokenExchange.Definitions;

namespace TokenExchange.Server.Setup.Pages;

/// <summary>An app's settings as the form posts them; turned into the configuration file's model so the file's rules check it.</summary>
public sealed class AppForm
{
    public string ClientId { get; set; } = "";
    public string? Label { get; set; }
    public string Kind { get; set; } = AppKinds.ConnectedApp;
    public bool TokenExchangeEnabled { get; set; } = true;
    public bool RequireSecret { get; set; } = true;
    public string? AllowedScopes { get; set; }
    public string? AllowedAudiences { get; set; }
    public string AccessTokenFormat { get; set; } = AccessTokenFormats.Jwt;
    public string AccessTokenLifetime { get; set; } = "00:05:00";
    public bool MayOutliveSubjectToken { get; set; }
    public bool RefreshTokensEnabled { get; set; }
    public string RefreshTokenLifetime { get; set; } = "1.00:00:00";

    /// <summary>Empty: the default (30 days, or the token lifetime where longer).</summary>
    public string? RefreshTokenAbsoluteLifetime { get; set; }

    /// <summary>The audiences the app serves as a resource server (it may introspect their tokens).</summary>
    public string? IntrospectionAudiences { get; set; }

    public static AppForm From(AppDefinition app) => new()
    {
        ClientId = app.ClientId,
        Label = app.Label,
        Kind = app.Kind,
        TokenExchangeEnabled = app.TokenExchangeEnabled,
        RequireSecret = app.RequireSecret,
        AllowedScopes = string.Join(' ', app.AllowedScopes),
        AllowedAudiences = string.Join(' ', app.AllowedAudiences),
        AccessTokenFormat = app.AccessToken.Format,
        AccessTokenLifetime = SetupFormat.Duration(app.AccessToken.Lifetime),
        MayOutliveSubjectToken = app.AccessToken.MayOutliveSubjectToken,
        RefreshTokensEnabled = app.RefreshTokens.Enabled,
        RefreshTokenLifetime = SetupFormat.Duration(app.RefreshTokens.Lifetime),
        RefreshTokenAbsoluteLifetime = SetupFormat.Duration(app.RefreshTokens.EffectiveAbsoluteLifetime),
        IntrospectionAudiences = string.Join(' ', app.Introspection.Audiences),
    };

    /// <summary>The app with a new plaintext secret (creation) or keeping the secrets it has (an edit).</summary>
    public AppDefinition ToApp(string? newSecret, AppDefinition? existing)
    {
        var app = ConfigLoader.ParseApp(new AppModel
        {
            ClientId = ClientId.Trim(),
            Label = string.IsNullOrWhiteSpace(Label) ? null : Label.Trim(),
            Kind = Kind,
            ClientSecret = newSecret,
            ClientSecretHashes = [.. existing?.SecretHashes ?? []],
            TokenExchange = new TokenExchangeModel { Enabled = TokenExchangeEnabled, RequireSecret = RequireSecret },
            AllowedScopes = Words(AllowedScopes),
            AllowedAudiences = Words(AllowedAudiences),
            AccessToken = new AccessTokenModel { Format = AccessTokenFormat, Lifetime = AccessTokenLifetime, MayOutliveSubjectToken = MayOutliveSubjectToken },
            RefreshTokens = new RefreshTokensModel
            {
                Enabled = RefreshTokensEnabled,
                Lifetime = RefreshTokenLifetime,
                AbsoluteLifetime = string.IsNullOrWhiteSpace(RefreshTokenAbsoluteLifetime) ? null : RefreshTokenAbsoluteLifetime.Trim(),
            },
            Introspection = new IntrospectionPolicyModel { Audiences = Words(IntrospectionAudiences) },
        });
        // An edit keeps each secret's hint (the file's rules only know hints of plaintext secrets).
        return existing is null ? app : app with { SecretHints = existing.SecretHints };
    }

    private static List<string> Words(string? value) =>
        [.. (value ?? "").Split([' ', ',', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];
}
