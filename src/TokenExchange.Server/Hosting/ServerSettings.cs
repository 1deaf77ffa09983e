using System.Net;
using Microsoft.Extensions.Configuration;

namespace TokenExchange.Server.Hosting;

/// <summary>
/// The server's command line (<c>--config</c>, <c>--http</c>, <c>--grpc</c>, <c>--issuer</c>, <c>--dev-issuer</c>,
/// <c>--silo-port</c>, <c>--gateway-port</c>), read through ASP.NET Core configuration so the same keys
/// also come from environment variables (<c>TX_HTTP</c>, ...).
/// </summary>
public sealed record ServerSettings
{
    public const string DefaultConfigPath = "config/dev.yaml";

    public string ConfigPath { get; init; } = DefaultConfigPath;
    public Uri Http { get; init; } = new("http://127.0.0.1:8080");
    public Uri Grpc { get; init; } = new("http://127.0.0.1:8081");
    public string? Issuer { get; init; }
    public bool DevIssuer { get; init; } = true;
    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30000;

    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>
    {
        ["--config"] = "config",
        ["--http"] = "http",
        ["--grpc"] = "grpc",
        ["--issuer"] = "issuer",
        ["--dev-issuer"] = "devIssuer",
        ["--silo-port"] = "siloPort",
        ["--gateway-port"] = "gatewayPort",
    };

    public static ServerSettings From(IConfiguration configuration)
    {
        var defaults = new ServerSettings();
        return new ServerSettings
        {
            ConfigPath = configuration["config"] ?? defaults.ConfigPath,
            Http = Url(configuration["http"], "--http") ?? defaults.Http,
            Grpc = Url(configuration["grpc"], "--grpc") ?? defaults.Grpc,
            Issuer = Url(configuration["issuer"], "--issuer")?.ToString().TrimEnd('/'),
            DevIssuer = Bool(configuration["devIssuer"], "--dev-issuer") ?? defaults.DevIssuer,
            SiloPort = Port(configuration["siloPort"], "--silo-port") ?? defaults.SiloPort,
            GatewayPort = Port(configuration["gatewayPort"], "--gateway-port") ?? defaults.GatewayPort,
        };
    }

    /// <summary>The address to listen on for a front-door URL: an IP literal or localhost (loopback).</summary>
    public static IPEndPoint EndPoint(Uri url) =>
        new(url.IsLoopback && url.HostNameType == UriHostNameType.Dns ? IPAddress.Loopback : IPAddress.Parse(url.Host), url.Port);

    private static Uri? Url(string? value, string option)
    {
        if (value is null) return null;
        // The issuer may be https (a TLS-terminating proxy in front); the listen addresses are plain http.
        var issuer = option == "--issuer";
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || !(url.Scheme == Uri.UriSchemeHttp || (issuer && url.Scheme == Uri.UriSchemeHttps)))
            throw new ArgumentException($"{option}: '{value}' is not an {(issuer ? "http(s)" : "http")}:// URL");
        if (url.HostNameType == UriHostNameType.Dns && !url.IsLoopback && !issuer)
            throw new ArgumentException($"{option}: use an IP address or localhost to listen on, not '{url.Host}'");
        return url;
    }

    private static bool? Bool(string? value, string option) =>
        value is null ? null : bool.TryParse(value, out var b) ? b : throw new ArgumentException($"{option}: '{value}' is not true or false");

    private static int? Port(string? value, string option) =>
        value is null ? null : int.TryParse(value, out var p) && p is >= 0 and <= 65535 ? p : throw new ArgumentException($"{option}: '{value}' is not a port");
}
