using System.Globalization;

namespace Bench.Shared;

/// <summary>
/// The command line both peers share: where to listen, whose subject tokens to trust, the one app they
/// serve, and the audience of the access tokens they issue.
/// </summary>
public sealed record PeerArguments
{
    public required int Port { get; init; }
    public required string JwksPath { get; init; }
    public required string SubjectIssuer { get; init; }
    public required string SubjectAudience { get; init; }
    public required string ClientId { get; init; }
    public required string ClientSecret { get; init; }
    public string TokenAudience { get; init; } = "https://orders.example";
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(5);

    public const string Usage =
        "--port N --jwks FILE --subject-issuer ISS --subject-audience AUD --client-id ID --client-secret S [--token-audience AUD]";

    public string Issuer => $"http://127.0.0.1:{Port}";

    /// <exception cref="ArgumentException">A required option is missing or malformed; the message says which.</exception>
    public static PeerArguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"expected --option value pairs; usage: {Usage}");
            values[args[i]] = args[i + 1];
        }
        string Required(string name) => values.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new ArgumentException($"{name} is required; usage: {Usage}");
        var port = int.TryParse(Required("--port"), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536
            ? p
            : throw new ArgumentException("--port must be a port number");
        return new PeerArguments
        {
            Port = port,
            JwksPath = Required("--jwks"),
            SubjectIssuer = Required("--subject-issuer"),
            SubjectAudience = Required("--subject-audience"),
            ClientId = Required("--client-id"),
            ClientSecret = Required("--client-secret"),
            TokenAudience = values.GetValueOrDefault("--token-audience") ?? "https://orders.example",
        };
    }
}
