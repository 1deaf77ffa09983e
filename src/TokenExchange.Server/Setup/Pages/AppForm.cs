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

    /// <summary>Every token request must carry a DPoP proof (RFC 9449).</summary>
    public bool RequireDpop { get; set; }

    /// <summary>Every DPoP proof must carry the cluster's nonce (RFC 9449 section 8).</summary>
    public bool RequireDpopNonce { get; set; }
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

    /// <summary>Transaction tokens (draft-ietf-oauth-transaction-tokens-10): the app's policy.</summary>
    public bool TransactionTokensIssue { get; set; }
    public bool TransactionTokensReplace { get; set; }
    public string TransactionTokenLifetime { get; set; } = "00:01:00";

    public static AppForm From(AppDefinition app) => new()
    {
        ClientId = app.ClientId,
        Label = app.Label,
        Kind = app.Kind,
        TokenExchangeEnabled = app.TokenExchangeEnabled,
        RequireSecret = app.RequireSecret,
        RequireDpop = app.RequireDpop,
        RequireDpopNonce = app.RequireDpopNonce,
        AllowedScopes = string.Join(' ', app.AllowedScopes),
        AllowedAudiences = string.Join(' ', app.AllowedAudiences),
        AccessTokenFormat = app.AccessToken.Format,
        AccessTokenLifetime = SetupFormat.Duration(app.AccessToken.Lifetime),
        MayOutliveSubjectToken = app.AccessToken.MayOutliveSubjectToken,
        RefreshTokensEnabled = app.RefreshTokens.Enabled,
        RefreshTokenLifetime = SetupFormat.Duration(app.RefreshTokens.Lifetime),
        RefreshTokenAbsoluteLifetime = SetupFormat.Duration(app.RefreshTokens.EffectiveAbsoluteLifetime),
        IntrospectionAudiences = string.Join(' ', app.Introspection.Audiences),
        TransactionTokensIssue = app.TransactionTokens.Issue,
        TransactionTokensReplace = app.TransactionTokens.Replace,
        TransactionTokenLifetime = SetupFormat.Duration(app.TransactionTokens.Lifetime),
    };

    /// <summary>A new app with its generated plaintext secret (hashed here), checked by the configuration file's rules.</summary>
    public AppDefinition ToNewApp(string secret) => ConfigLoader.ParseApp(new AppModel
    {
        ClientId = ClientId.Trim(),
        Label = CleanLabel(Label),
        Kind = Kind,
        ClientSecret = secret,
        TokenExchange = new TokenExchangeModel { Enabled = TokenExchangeEnabled, RequireSecret = RequireSecret },
        RequireDpop = RequireDpop,
        RequireDpopNonce = RequireDpopNonce,
        AllowedScopes = Words(AllowedScopes),
        AllowedAudiences = Words(AllowedAudiences),
        AccessToken = new AccessTokenModel { Format = AccessTokenFormat, Lifetime = AccessTokenLifetime, MayOutliveSubjectToken = MayOutliveSubjectToken },
        RefreshTokens = new RefreshTokensModel { Enabled = RefreshTokensEnabled, Lifetime = RefreshTokenLifetime, AbsoluteLifetime = Blank(RefreshTokenAbsoluteLifetime) },
        Introspection = new IntrospectionPolicyModel { Audiences = Words(IntrospectionAudiences) },
        TransactionTokens = TransactionTokens(),
    });

    /// <summary>
    /// An edit: the stored app with only the fields this form shows and the user changed. Everything the form does
    /// not show (secrets and their hints, the authentication method, mutual TLS, rate limits) stays as stored, and
    /// so does every field posted back as it was rendered; the result is checked by the configuration file's rules.
    /// </summary>
    public AppDefinition ToApp(AppDefinition existing)
    {
        var shown = From(existing);
        var model = DefinitionDocument.ToModel(existing);
        if (Label != shown.Label) model.Label = CleanLabel(Label);
        if (Kind != shown.Kind) model.Kind = Kind;
        model.TokenExchange.Enabled = TokenExchangeEnabled;
        model.TokenExchange.RequireSecret = RequireSecret;
        model.RequireDpop = RequireDpop;
        model.RequireDpopNonce = RequireDpopNonce;
        if (AllowedScopes != shown.AllowedScopes) model.AllowedScopes = Words(AllowedScopes);
        if (AllowedAudiences != shown.AllowedAudiences) model.AllowedAudiences = Words(AllowedAudiences);
        model.AccessToken.Format = AccessTokenFormat;
        if (AccessTokenLifetime != shown.AccessTokenLifetime) model.AccessToken.Lifetime = AccessTokenLifetime;
        model.AccessToken.MayOutliveSubjectToken = MayOutliveSubjectToken;
        model.RefreshTokens.Enabled = RefreshTokensEnabled;
        if (RefreshTokenLifetime != shown.RefreshTokenLifetime) model.RefreshTokens.Lifetime = RefreshTokenLifetime;
        if (!Same(RefreshTokenAbsoluteLifetime, shown.RefreshTokenAbsoluteLifetime)) model.RefreshTokens.AbsoluteLifetime = Blank(RefreshTokenAbsoluteLifetime);
        if (!Same(IntrospectionAudiences, shown.IntrospectionAudiences)) model.Introspection = new IntrospectionPolicyModel { Audiences = Words(IntrospectionAudiences) };
        var transactionTokensChanged = TransactionTokensIssue != shown.TransactionTokensIssue || TransactionTokensReplace != shown.TransactionTokensReplace
            || !Same(TransactionTokenLifetime, shown.TransactionTokenLifetime);
        if (transactionTokensChanged) model.TransactionTokens = TransactionTokens();
        var edited = ConfigLoader.ParseApp(model);
        return existing with
        {
            Label = Label != shown.Label ? edited.Label : existing.Label,
            Kind = Kind != shown.Kind ? edited.Kind : existing.Kind,
            TokenExchangeEnabled = edited.TokenExchangeEnabled,
            RequireSecret = edited.RequireSecret,
            AllowedScopes = AllowedScopes != shown.AllowedScopes ? edited.AllowedScopes : existing.AllowedScopes,
            AllowedAudiences = AllowedAudiences != shown.AllowedAudiences ? edited.AllowedAudiences : existing.AllowedAudiences,
            AccessToken = AccessTokenFormat == shown.AccessTokenFormat && AccessTokenLifetime == shown.AccessTokenLifetime && MayOutliveSubjectToken == shown.MayOutliveSubjectToken
                && RequireDpop == shown.RequireDpop && RequireDpopNonce == shown.RequireDpopNonce
                ? existing.AccessToken : edited.AccessToken,
            RefreshTokens = RefreshTokensEnabled == shown.RefreshTokensEnabled && RefreshTokenLifetime == shown.RefreshTokenLifetime && Same(RefreshTokenAbsoluteLifetime, shown.RefreshTokenAbsoluteLifetime)
                ? existing.RefreshTokens : edited.RefreshTokens,
            Introspection = !Same(IntrospectionAudiences, shown.IntrospectionAudiences) ? edited.Introspection : existing.Introspection,
            TransactionTokens = transactionTokensChanged ? edited.TransactionTokens : existing.TransactionTokens,
        };
    }

    private TransactionTokensModel TransactionTokens() =>
        new() { Issue = TransactionTokensIssue, Replace = TransactionTokensReplace, Lifetime = Blank(TransactionTokenLifetime) ?? "00:01:00" };

    /// <summary>A field posted back as rendered (an empty input posts nothing).</summary>
    private static bool Same(string? posted, string? shown) => (posted ?? "").Trim() == (shown ?? "").Trim();

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? CleanLabel(string? label) => string.IsNullOrWhiteSpace(label) ? null : label.Trim();

    private static List<string> Words(string? value) =>
        [.. (value ?? "").Split([' ', ',', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];
}
