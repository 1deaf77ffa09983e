using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Grains;
using static TokenExchange.Handlers.RuleBasedUserMapping;

namespace TokenExchange.Handlers;

/// <summary>
/// The built-in <c>introspection</c> handler, for opaque subject tokens: asks the IdP's RFC 7662
/// introspection endpoint (POST, with our client credentials as HTTP Basic), or its OIDC userinfo endpoint
/// (GET, the token as Bearer), whether the token is active and whose it is. Answers are cached by the
/// token's SHA-256: an active token's until its <c>exp</c> and at most <see cref="IntrospectionTrust.MaxCacheFor"/>,
/// an inactive one's briefly; an endpoint that is down, slow or failing is temporarily_unavailable and not
/// cached. Concurrent exchanges of one token share one call. User mapping is the jwt handler's rule.
/// </summary>
public sealed class IntrospectionImplementation : IHandlerImplementation
{
    /// <summary>Largest answer read from the endpoint; a larger one is refused.</summary>
    public const int MaxResponseBytes = 256 * 1024;

    private readonly HandlerDefinition definition;
    private readonly IntrospectionTrust trust;
    private readonly HttpClient http;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly TokenExchangeMetrics metrics;
    private readonly Uri endpoint;
    private readonly string endpointForLogs;
    private readonly AuthenticationHeaderValue? credentials;
    private readonly ConcurrentDictionary<string, Lazy<Task<IntrospectionCache.Entry>>> inflight = new(StringComparer.Ordinal);

    /// <param name="cache">A cache to keep (from the previous compile of an unchanged definition); else a new one.</param>
    /// <exception cref="InvalidOperationException">The definition has no usable introspection settings.</exception>
    public IntrospectionImplementation(HandlerDefinition definition, HttpClient http, TimeProvider time, ILogger logger, TokenExchangeMetrics metrics, IntrospectionCache? cache = null)
    {
        this.definition = definition;
        trust = definition.Introspection ?? throw new InvalidOperationException($"handler {definition.Name} has no introspection settings");
        if (!Uri.TryCreate(trust.Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw new InvalidOperationException($"handler {definition.Name}: the introspection endpoint is not an absolute http(s) URL");
        endpoint = uri;
        endpointForLogs = uri.GetLeftPart(UriPartial.Path);
        this.http = http;
        this.time = time;
        this.logger = logger;
        this.metrics = metrics;
        Cache = cache ?? new IntrospectionCache(trust.MaxCacheEntries);
        if (!trust.UseUserinfo && trust.ClientId is { } id)
        {
            // RFC 6749 section 2.3.1: each form-urlencoded, then joined and base64-encoded.
            var pair = WebUtility.UrlEncode(id) + ":" + WebUtility.UrlEncode(trust.ClientSecret ?? "");
            credentials = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }
    }

    /// <summary>The answers kept, handed to the next compile while the definition's trust is unchanged.</summary>
    public IntrospectionCache Cache { get; }

    public async Task<(ValidatedSubject? Subject, OAuthError? Error)> ValidateAsync(AuthorizedExchange exchange, CancellationToken cancellationToken)
    {
        var key = IntrospectionCache.KeyOf(exchange.SubjectToken);
        var hit = Cache.TryGet(key, time.GetUtcNow(), out var answer);
        metrics.IntrospectionCacheLookup(definition.Name, hit);
        if (!hit)
        {
            var call = inflight.GetOrAdd(key,
                static (k, state) => new Lazy<Task<IntrospectionCache.Entry>>(() => state.Self.CallAsync(k, state.Token)),
                (Self: this, Token: exchange.SubjectToken));
            // The call is not cancelled with this exchange: others may wait for it; its own timeout bounds it.
            answer = await call.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        return (answer.Subject, answer.Error);
    }

    public Task<(UserMappingResult? Mapping, OAuthError? Error)> MapUserAsync(SubjectUserRequest request, IHandlerUserDirectory users, CancellationToken cancellationToken) =>
        RuleBasedUserMapping.MapAsync(definition.UserMapping, request, users);

    /// <summary>The one call for a token, shared by everyone waiting for it; caches its answer, then leaves the in-flight set.</summary>
    private async Task<IntrospectionCache.Entry> CallAsync(string key, string token)
    {
        try
        {
            // Answered while this call was being set up.
            if (Cache.TryGet(key, time.GetUtcNow(), out var cached)) return cached;
            var answer = await FetchAsync(key, token).ConfigureAwait(false);
            if (answer.Until > time.GetUtcNow() && !Cache.TrySet(key, answer, time.GetUtcNow()))
                logger.LogDebug("Introspection cache of handler {Handler} is full ({Entries} answers)", definition.Name, Cache.Count);
            return answer;
        }
        finally
        {
            // Only this call's entry can be there: no other is added for the key while it is.
            inflight.TryRemove(key, out _);
        }
    }

    private async Task<IntrospectionCache.Entry> FetchAsync(string key, string token)
    {
        using var timeout = new CancellationTokenSource(definition.Timeout, time);
        try
        {
            using var request = Request(token);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (trust.UseUserinfo && response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                return Inactive(key, "the userinfo endpoint refused the token");
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                return Failure("refused", Errors.ServerError($"the introspection endpoint of handler {definition.Name} refused our client credentials ({status})"), LogLevel.Error);
            if (status >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout)
                return Unavailable($"the endpoint answered {status}");
            if (!response.IsSuccessStatusCode)
                return Failure("invalid_response", Errors.ServerError($"the introspection endpoint of handler {definition.Name} answered {status}"), LogLevel.Error);
            if (response.Content.Headers.ContentLength > MaxResponseBytes)
                return Failure("invalid_response", Errors.ServerError($"the introspection endpoint of handler {definition.Name} answered more than {MaxResponseBytes} bytes"), LogLevel.Error);
            var body = await ReadBoundedAsync(response.Content, timeout.Token).ConfigureAwait(false);
            if (body is null)
                return Failure("invalid_response", Errors.ServerError($"the introspection endpoint of handler {definition.Name} answered more than {MaxResponseBytes} bytes"), LogLevel.Error);
            using var document = JsonDocument.Parse(body);
            return Interpret(key, document.RootElement);
        }
        catch (OperationCanceledException)
        {
            // Only the call's own timeout (or the client's) cancels it: no exchange's cancellation reaches here.
            return Unavailable($"no answer within {definition.Timeout}");
        }
        catch (HttpRequestException e)
        {
            return Unavailable(e.Message);
        }
        catch (JsonException)
        {
            return Failure("invalid_response", Errors.ServerError($"the introspection endpoint of handler {definition.Name} answered with no JSON object"), LogLevel.Error);
        }
        catch (Exception e)
        {
            // Whatever else went wrong fails the exchanges waiting for this call, and nothing more.
            return Failure("exception", Errors.ServerError($"introspection for handler {definition.Name} failed: {e.GetType().Name}"), LogLevel.Error);
        }
    }

    private HttpRequestMessage Request(string token)
    {
        HttpRequestMessage request;
        if (trust.UseUserinfo)
        {
            request = new HttpRequestMessage(HttpMethod.Get, endpoint);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else
        {
            request = new HttpRequestMessage(HttpMethod.Post, endpoint)
            {
                Content = new FormUrlEncodedContent([new("token", token), new("token_type_hint", "access_token")]),
            };
            request.Headers.Authorization = credentials;
        }
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    /// <summary>The IdP's answer as a subject (active) or a refusal; the time it may be kept is in <see cref="IntrospectionCache.Entry.Until"/>.</summary>
    private IntrospectionCache.Entry Interpret(string key, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return Failure("invalid_response", Errors.ServerError($"the introspection endpoint of handler {definition.Name} answered with no JSON object"), LogLevel.Error);
        if (!trust.UseUserinfo)
        {
            if (!root.TryGetProperty("active", out var active) || active.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                return Failure("invalid_response", Errors.ServerError($"the introspection endpoint of handler {definition.Name} answered without an active flag"), LogLevel.Error);
            if (active.ValueKind == JsonValueKind.False) return Inactive(key, "the identity provider says the token is not active");
        }

        var now = time.GetUtcNow();
        DateTimeOffset? expires = null;
        if (root.TryGetProperty("exp", out var exp) && exp.ValueKind != JsonValueKind.Null)
        {
            if (exp.ValueKind != JsonValueKind.Number || !exp.TryGetDouble(out var seconds) || seconds is < 0 or > 253402300799)
                return Failure("invalid_response", Errors.ServerError($"the introspection endpoint of handler {definition.Name} answered an exp that is not a time"), LogLevel.Error);
            expires = DateTimeOffset.FromUnixTimeSeconds((long)seconds);
            if (expires <= now) return Refused(key, "subject_token has expired", "the identity provider says active, but exp has passed");
        }

        var claims = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Number => property.Value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            };
            if (value is not null) claims.TryAdd(property.Name, value);
        }

        if (string.IsNullOrEmpty(claims.GetValueOrDefault("sub")))
            return Refused(key, "the identity provider returned no subject", "active token without sub");
        if (definition.Trust.Audiences.Length > 0 && !Audiences(root).Any(a => definition.Trust.Audiences.Contains(a, StringComparer.Ordinal)))
            return Refused(key, "subject_token audience is not accepted by this handler", "audience mismatch");

        var until = now + trust.MaxCacheFor;
        if (expires < until) until = expires.Value;
        metrics.IntrospectionCall(definition.Name, "active");
        // OIDC: email_verified is a JSON boolean; the string "true" is not the IdP saying so.
        var emailVerified = root.TryGetProperty(StandardClaims.EmailVerified, out var verified) && verified.ValueKind == JsonValueKind.True;
        return new IntrospectionCache.Entry(new ValidatedSubject
        {
            Subject = claims["sub"],
            Issuer = NonEmpty(claims.GetValueOrDefault("iss")) ?? trust.Issuer ?? trust.Endpoint,
            Claims = claims,
            Username = NonEmpty(claims.GetValueOrDefault("username")) ?? claims.GetValueOrDefault(StandardClaims.PreferredUsername),
            Email = emailVerified ? claims.GetValueOrDefault(StandardClaims.Email) : null,
            EmailVerified = emailVerified,
            DisplayName = claims.GetValueOrDefault(StandardClaims.Name),
            ExpiresAt = expires,
        }, null, until);
    }

    private static IEnumerable<string> Audiences(JsonElement root) =>
        !root.TryGetProperty("aud", out var aud) ? []
        : aud.ValueKind == JsonValueKind.String ? [aud.GetString()!]
        : aud.ValueKind == JsonValueKind.Array ? aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!)
        : [];

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private IntrospectionCache.Entry Inactive(string key, string reason) => Refused(key, "subject_token is not active", reason);

    /// <summary>The IdP's answer refuses the token: kept briefly, since a refused token stays refused.</summary>
    private IntrospectionCache.Entry Refused(string key, string description, string reason)
    {
        metrics.IntrospectionCall(definition.Name, "inactive");
        logger.LogDebug("Handler {Handler} refused token {TokenHash}: {Reason}", definition.Name, key[..8], reason);
        return new IntrospectionCache.Entry(null, Errors.InvalidRequest(description, $"handler {definition.Name}: {reason}"), time.GetUtcNow() + trust.NegativeCacheFor);
    }

    /// <summary>The endpoint could not answer: the exchange may be retried, and nothing is cached.</summary>
    private IntrospectionCache.Entry Unavailable(string reason) =>
        Failure("unavailable", Errors.TemporarilyUnavailable("the identity provider cannot be reached", $"handler {definition.Name}: introspection at {endpointForLogs} failed: {reason}"), LogLevel.Warning);

    private IntrospectionCache.Entry Failure(string outcome, OAuthError error, LogLevel level)
    {
        metrics.IntrospectionCall(definition.Name, outcome);
        logger.Log(level, "Introspection at {Endpoint} for handler {Handler} failed: {Reason}", endpointForLogs, definition.Name, error.Reason);
        return new IntrospectionCache.Entry(null, error, DateTimeOffset.MinValue);
    }

    /// <summary>The body as text; null when it is larger than <see cref="MaxResponseBytes"/>.</summary>
    private static async Task<string?> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(MaxResponseBytes + 1);
        try
        {
            var total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(total, MaxResponseBytes + 1 - total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > MaxResponseBytes) return null;
            }
            return Encoding.UTF8.GetString(buffer, 0, total);
        }
        // Stryker disable Block,Statement : a buffer not returned to the pool is collected; no answer depends on it.
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        // Stryker restore Block,Statement
    }
}
