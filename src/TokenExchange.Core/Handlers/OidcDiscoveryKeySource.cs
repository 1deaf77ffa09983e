using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Diagnostics;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// An issuer's keys found through its OpenID discovery document (OpenID Connect Discovery 1.0 section 4:
/// <c>{issuer}/.well-known/openid-configuration</c>, whose <c>issuer</c> must be the issuer itself, and its
/// <c>jwks_uri</c>), as a Kubernetes API server publishes its service account token keys. The document is read once
/// (retried no more often than the JWKS cooldown while it fails); the JWKS it names is then an
/// <see cref="HttpJwksKeySource"/>, refetched on an unknown kid and as it ages.
/// </summary>
public sealed class OidcDiscoveryKeySource(string issuer, HttpClient http, JwksCachePolicy policy, TimeProvider time, ILoggerFactory loggers, TokenExchangeMetrics metrics, string name) : IKeySource
{
    public const string WellKnownPath = "/.well-known/openid-configuration";

    private readonly SemaphoreSlim gate = new(1, 1);
    private IKeySource? jwks;
    private DateTimeOffset lastAttempt = DateTimeOffset.MinValue;

    public async ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken)
    {
        var source = Volatile.Read(ref jwks) ?? await DiscoverAsync(cancellationToken).ConfigureAwait(false);
        return await source.GetKeysAsync(kid, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IKeySource> DiscoverAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (jwks is not null) return jwks;
            var now = time.GetUtcNow();
            if (now - lastAttempt < policy.RefreshCooldown) throw new KeysUnavailableException($"the discovery document of {issuer} could not be read; retrying after the cooldown");
            lastAttempt = now;
            var jwksUri = await FetchJwksUriAsync().ConfigureAwait(false);
            var source = new HttpJwksKeySource(jwksUri, http, policy, time, loggers.CreateLogger<HttpJwksKeySource>(), metrics, name);
            Volatile.Write(ref jwks, source);
            return source;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<Uri> FetchJwksUriAsync()
    {
        var logger = loggers.CreateLogger<OidcDiscoveryKeySource>();
        try
        {
            using var timeout = new CancellationTokenSource(policy.FetchTimeout, time);
            using var response = await http.GetAsync(issuer.TrimEnd('/') + WellKnownPath, timeout.Token).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            if (response.Content.Headers.ContentLength > policy.MaxDocumentBytes) throw new InvalidDataException($"discovery document larger than {policy.MaxDocumentBytes} bytes");
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false));
            var root = document.RootElement;
            // Discovery section 4.3: the document's issuer is the one it was fetched for, or its keys are not this issuer's.
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("issuer", out var named) || named.ValueKind != JsonValueKind.String || named.GetString() != issuer)
                throw new InvalidDataException("the discovery document names another issuer");
            if (!root.TryGetProperty("jwks_uri", out var uri) || uri.ValueKind != JsonValueKind.String
                || !Uri.TryCreate(uri.GetString(), UriKind.Absolute, out var jwksUri) || (jwksUri.Scheme != Uri.UriSchemeHttps && jwksUri.Scheme != Uri.UriSchemeHttp))
                throw new InvalidDataException("the discovery document has no http(s) jwks_uri");
            logger.LogInformation("Discovered the keys of {Issuer} at {JwksUri}", issuer, jwksUri.GetLeftPart(UriPartial.Path));
            return jwksUri;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or InvalidDataException or JsonException)
        {
            logger.LogWarning("Could not read the discovery document of {Issuer}: {Error}", issuer, e.Message);
            throw new KeysUnavailableException($"the discovery document of {issuer} could not be read", e);
        }
    }
}
