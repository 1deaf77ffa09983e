using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Diagnostics;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// An IdP's JWKS fetched over HTTP and cached. Refetched when a token names an unknown kid (key rotation
/// at the IdP) or the keys grow old, never more often than the cooldown, and by one fetch at a time
/// however many requests wait for it. A failed refresh keeps the keys it had. Bounded: one key set at a
/// time (unknown kids are never remembered), at most <see cref="JwksCachePolicy.MaxKeys"/> keys from a
/// document of at most <see cref="JwksCachePolicy.MaxDocumentBytes"/>. Each fetch is counted for
/// <paramref name="handler"/> (tokenexchange.jwks.fetches). A key a refetch still finds keeps its instance, and a key the IdP
/// stopped publishing leaves with its instance: the verified-token cache knows the key that verified each token by its
/// instance, so its tokens go when their key goes (<see cref="JwtSubjectTokenValidator"/>).
/// </summary>
public sealed class HttpJwksKeySource(Uri uri, HttpClient http, JwksCachePolicy policy, TimeProvider time, ILogger logger, TokenExchangeMetrics metrics, string handler) : IKeySource
{
    private readonly Lock gate = new();
    private Snapshot? snapshot;
    private Task<Snapshot?>? pending;
    private DateTimeOffset lastAttempt = DateTimeOffset.MinValue;

    public async ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref snapshot);
        var stale = current is null
            || (kid is not null && !current.KeyIds.Contains(kid))
            || time.GetUtcNow() - current.FetchedAt >= policy.MaxAge;
        if (stale)
        {
            current = await RefreshAsync().WaitAsync(cancellationToken).ConfigureAwait(false) ?? current;
        }
        return current?.Keys ?? throw new KeysUnavailableException($"no keys could be fetched from {uri.GetLeftPart(UriPartial.Path)}");
    }

    private Task<Snapshot?> RefreshAsync()
    {
        lock (gate)
        {
            if (pending is { IsCompleted: false }) return pending;
            var now = time.GetUtcNow();
            if (now - lastAttempt < policy.RefreshCooldown) return Task.FromResult(snapshot);
            lastAttempt = now;
            return pending = FetchAsync();
        }
    }

    private async Task<Snapshot?> FetchAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(policy.FetchTimeout, time);
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            if (response.Content.Headers.ContentLength > policy.MaxDocumentBytes)
                throw new InvalidDataException($"JWKS document larger than {policy.MaxDocumentBytes} bytes");
            var json = await ReadBoundedAsync(response.Content, timeout.Token).ConfigureAwait(false);
            var fetched = JwksParser.SigningKeys(json);
            if (fetched.Count > policy.MaxKeys) throw new InvalidDataException($"JWKS document has {fetched.Count} signing keys, more than {policy.MaxKeys}");
            var keys = KeepInstances(fetched, Volatile.Read(ref snapshot));
            var fresh = new Snapshot(keys, keys.Select(k => k.KeyId).Where(id => id is not null).ToHashSet(StringComparer.Ordinal), time.GetUtcNow());
            Volatile.Write(ref snapshot, fresh);
            metrics.JwksFetch(handler, succeeded: true);
            logger.LogInformation("Fetched {KeyCount} keys from JWKS {JwksUri}", keys.Count, uri.GetLeftPart(UriPartial.Path));
            return fresh;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or InvalidDataException or ArgumentException or System.Text.Json.JsonException)
        {
            metrics.JwksFetch(handler, succeeded: false);
            logger.LogWarning("Could not fetch JWKS {JwksUri}: {Error}", uri.GetLeftPart(UriPartial.Path), e.Message);
            return Volatile.Read(ref snapshot);
        }
    }

    /// <summary>Each fetched key as the instance held already for the same key (kid, alg, use and RFC 7638 thumbprint), if any.</summary>
    private static IReadOnlyList<SecurityKey> KeepInstances(IReadOnlyList<SecurityKey> fetched, Snapshot? held) =>
        held is null ? fetched : [.. fetched.Select(key => held.Keys.FirstOrDefault(old => SameKey(old, key)) ?? key)];

    private static bool SameKey(SecurityKey held, SecurityKey fetched) =>
        held is JsonWebKey a && fetched is JsonWebKey b
        && a.KeyId == b.KeyId && a.Alg == b.Alg && a.Use == b.Use
        && a.ComputeJwkThumbprint().AsSpan().SequenceEqual(b.ComputeJwkThumbprint());

    private async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[policy.MaxDocumentBytes + 1];
        var total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > policy.MaxDocumentBytes) throw new InvalidDataException($"JWKS document larger than {policy.MaxDocumentBytes} bytes");
        }
        return System.Text.Encoding.UTF8.GetString(buffer, 0, total);
    }

    private sealed record Snapshot(IReadOnlyList<SecurityKey> Keys, HashSet<string> KeyIds, DateTimeOffset FetchedAt);
}
