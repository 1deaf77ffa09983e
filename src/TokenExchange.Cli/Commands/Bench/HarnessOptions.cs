using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace TokenExchange.Cli.Commands.Bench;

/// <summary>A command line that cannot run: exit 2 with this message.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Where to send exchanges, as whom, and for which subjects: shared by <c>bench</c> and <c>tokens mint</c>.</summary>
public sealed record HarnessSettings(
    string Target,
    Uri Server,
    Uri TokenEndpoint,
    Uri HttpServer,
    ExchangeTemplate Template,
    int Subjects,
    string? SubjectKeyPath,
    string? SubjectIssuer,
    string? SubjectKeyId,
    string SubjectAudience,
    string[] TokenTypes)
{
    /// <summary>The same settings for another server: its gRPC or base address, and the token endpoint's path on it.</summary>
    public HarnessSettings On(Uri server) => this with { Server = server, TokenEndpoint = new Uri(server, TokenEndpoint.AbsolutePath) };
}

/// <summary>The options of <see cref="HarnessSettings"/>, added to a command and read back.</summary>
public sealed class HarnessOptions
{
    public const string Grpc = "grpc";
    public const string GrpcStream = "grpc-stream";
    public const string Http = "http";
    private const string TokenTypePrefix = "urn:ietf:params:oauth:token-type:";

    private readonly Option<string> target;
    private readonly Option<string?> server = new("--server") { Description = "gRPC address for grpc targets (default http://127.0.0.1:8081), HTTP base address for http (default http://127.0.0.1:8080)" };
    private readonly Option<string> tokenPath = new("--token-path") { Description = "token endpoint path (http only)", DefaultValueFactory = _ => "/oauth2/token" };
    private readonly Option<string?> httpServer = new("--http-server") { Description = "the server's HTTP address, to find the dev issuer when --subject-issuer is not given (default: --server for http, else http://127.0.0.1:8080)" };
    private readonly Option<string> clientId = new("--client-id") { Description = "the app's client id", Required = true };
    private readonly Option<string?> clientSecret = new("--client-secret") { Description = "the app's client secret (client_secret_post over http)" };
    private readonly Option<string?> handler = new("--handler") { Description = "token exchange handler (default: the app's default handler)" };
    private readonly Option<string[]> scopes = new("--scope") { Description = "scope (repeatable)" };
    private readonly Option<string[]> audiences = new("--audience") { Description = "audience (repeatable)" };
    private readonly Option<int> subjects = new("--subjects") { Description = "distinct synthetic subjects bench-user-<i>", DefaultValueFactory = _ => 1000 };
    private readonly Option<string?> subjectKey = new("--subject-key") { Description = "PEM private key (PKCS#8 EC P-256 for ES256, or RSA for RS256) the harness signs subject tokens with; for the dev issuer, the file given to the server's --dev-issuer-key" };
    private readonly Option<string?> subjectIssuer = new("--subject-issuer") { Description = "iss of the subject tokens (default: the server's dev issuer, from its discovery document)" };
    private readonly Option<string?> subjectKid = new("--subject-kid") { Description = "kid of the subject tokens (default: the key's RFC 7638 thumbprint, as the dev issuer publishes it)" };
    private readonly Option<string> subjectAudience = new("--subject-audience") { Description = "aud of the subject tokens", DefaultValueFactory = _ => "token-exchange" };
    private readonly Option<string[]> tokenTypes = new("--token-type") { Description = "subject_token_type (short name or URN; repeatable: requests take them in turn)", DefaultValueFactory = _ => ["access_token"] };

    public HarnessOptions(string[] targets)
    {
        target = new Option<string>("--target") { Description = string.Join('|', targets), DefaultValueFactory = _ => targets[0] };
        target.AcceptOnlyFromAmong(targets);
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { target, server, tokenPath, httpServer, clientId, clientSecret, handler, scopes, audiences, subjects, subjectKey, subjectIssuer, subjectKid, subjectAudience, tokenTypes })
            command.Options.Add(option);
    }

    public HarnessSettings Read(ParseResult parse)
    {
        var kind = parse.GetValue(target)!;
        var serverUrl = HttpUrl(parse.GetValue(server) ?? (kind == Http ? "http://127.0.0.1:8080" : "http://127.0.0.1:8081"), "--server");
        var path = parse.GetValue(tokenPath)!;
        if (!path.StartsWith('/')) throw new UsageException($"--token-path: '{path}' must start with /");
        var count = parse.GetValue(subjects);
        if (count < 1) throw new UsageException("--subjects must be at least 1");
        var keyPath = parse.GetValue(subjectKey) ?? throw new UsageException(
            "--subject-key FILE is required: the key the harness signs subject tokens with (for the server's dev issuer, the file given to its --dev-issuer-key)");
        return new HarnessSettings(
            kind,
            serverUrl,
            new Uri(serverUrl, path),
            HttpUrl(parse.GetValue(httpServer) ?? (kind == Http ? serverUrl.ToString() : "http://127.0.0.1:8080"), "--http-server"),
            new ExchangeTemplate(parse.GetValue(clientId)!, parse.GetValue(clientSecret), parse.GetValue(handler), parse.GetValue(scopes) ?? [], parse.GetValue(audiences) ?? []),
            count,
            keyPath,
            parse.GetValue(subjectIssuer),
            parse.GetValue(subjectKid),
            parse.GetValue(subjectAudience)!,
            [.. (parse.GetValue(tokenTypes) ?? []).Select(t => t.Contains(':', StringComparison.Ordinal) ? t : TokenTypePrefix + t)]);
    }

    /// <summary>The key and issuer of the subject tokens: the issuer as given, else the dev issuer's (exit 3 when its server cannot be reached).</summary>
    public static async Task<(SubjectKey Key, string Issuer)> SubjectSigningAsync(HarnessSettings settings, CancellationToken cancellationToken)
    {
        SubjectKey key;
        try
        {
            key = SubjectKey.Load(settings.SubjectKeyPath!, settings.SubjectKeyId);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--subject-key: {e.Message}");
        }
        if (settings.SubjectIssuer is { } issuer) return (key, issuer);
        var discovery = new Uri(settings.HttpServer, "/dev-issuer/.well-known/openid-configuration");
        using var http = new HttpClient();
        using var response = await http.GetAsync(discovery, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new UsageException($"{discovery} answered {(int)response.StatusCode}: is the dev issuer on? Else give --subject-issuer");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return (key, json.RootElement.GetProperty("issuer").GetString()!);
    }

    /// <summary>Durations as 10s, 500ms, 2m, 1h or hh:mm:ss.</summary>
    public static TimeSpan Duration(string text, string option)
    {
        static double? Number(string value) => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : null;
        TimeSpan? parsed = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => Number(text[..^2]) is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            _ when text.EndsWith('s') => Number(text[..^1]) is { } s ? TimeSpan.FromSeconds(s) : null,
            _ when text.EndsWith('m') => Number(text[..^1]) is { } m ? TimeSpan.FromMinutes(m) : null,
            _ when text.EndsWith('h') => Number(text[..^1]) is { } h ? TimeSpan.FromHours(h) : null,
            _ => TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero ? span : null,
        };
        return parsed ?? throw new UsageException($"{option}: '{text}' is not a duration (10s, 500ms, 2m, 1h or hh:mm:ss)");
    }

    public static Uri HttpUrl(string text, string option) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            ? url
            : throw new UsageException($"{option}: '{text}' is not an http(s):// URL");
}
