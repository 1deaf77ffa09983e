using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace TokenExchange.Cli.Commands.Bench.Targets;

/// <summary>
/// The HTTP token endpoint (RFC 8693 form post, client_secret_post) through one shared SocketsHttpHandler
/// with a connection for each request that may be outstanding. The token path is configurable, so the same
/// harness drives other token exchange servers.
/// </summary>
public sealed class HttpTarget(Uri tokenEndpoint, int maxConnections) : IExchangeTarget
{
    private static readonly MediaTypeHeaderValue FormType = new("application/x-www-form-urlencoded");

    private readonly HttpClient http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = maxConnections,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    public async Task<ExchangeResult> ExchangeAsync(PreparedExchange request, bool keepTokens, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint) { Content = new ByteArrayContent(request.Form) };
        message.Content.Headers.ContentType = FormType;
        try
        {
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (response.IsSuccessStatusCode) return ExchangeResult.Ok(keepTokens ? Tokens(body) : null);
            return ExchangeResult.Refused(ErrorCode(body) ?? "http_" + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (HttpRequestException e)
        {
            return ExchangeResult.Transport("http_" + (e.HttpRequestError == HttpRequestError.Unknown ? "failure" : JsonNamingPolicy.SnakeCaseLower.ConvertName(e.HttpRequestError.ToString())));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ExchangeResult.Transport("http_timeout");
        }
    }

    public ValueTask DisposeAsync()
    {
        http.Dispose();
        return ValueTask.CompletedTask;
    }

    private static IssuedToken Tokens(byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        return new IssuedToken(
            root.GetProperty("access_token").GetString()!,
            root.TryGetProperty("expires_in", out var expiresIn) && expiresIn.ValueKind == JsonValueKind.Number ? expiresIn.GetInt64() : 0,
            root.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null);
    }

    /// <summary>The RFC 6749 error code of an error body, if it is one.</summary>
    private static string? ErrorCode(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                ? error.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
