using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TokenExchange.Definitions;
using TokenExchange.Exchange;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// Asks the IdP about one token over HTTP: RFC 7662 introspection (POST, our client credentials as HTTP Basic)
/// or OIDC userinfo (GET, the token as Bearer), within the handler's timeout, reading at most
/// <see cref="IntrospectionImplementation.MaxResponseBytes"/>. Never throws: whatever goes wrong is an outcome.
/// </summary>
internal sealed class IntrospectionClient
{
    private readonly HandlerDefinition definition;
    private readonly IntrospectionTrust trust;
    private readonly Uri endpoint;
    private readonly HttpClient http;
    private readonly TimeProvider time;
    private readonly IntrospectionOutcomes outcomes;
    private readonly IntrospectionAnswerReader reader;
    private readonly AuthenticationHeaderValue? credentials;

    public IntrospectionClient(HandlerDefinition definition, Uri endpoint, HttpClient http, TimeProvider time, IntrospectionOutcomes outcomes)
    {
        this.definition = definition;
        trust = definition.Introspection!;
        this.endpoint = endpoint;
        this.http = http;
        this.time = time;
        this.outcomes = outcomes;
        reader = new IntrospectionAnswerReader(definition, time, outcomes);
        if (!trust.UseUserinfo && trust.ClientId is { } id)
        {
            // RFC 6749 section 2.3.1: each form-urlencoded, then joined and base64-encoded.
            var pair = WebUtility.UrlEncode(id) + ":" + WebUtility.UrlEncode(trust.ClientSecret ?? "");
            credentials = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }
    }

    /// <summary>The IdP's answer about <paramref name="token"/> (cache key <paramref name="key"/>), read.</summary>
    public async Task<IntrospectionCache.Entry> FetchAsync(string key, string token)
    {
        const int maxBytes = IntrospectionImplementation.MaxResponseBytes;
        using var timeout = new CancellationTokenSource(definition.Timeout, time);
        try
        {
            using var request = Request(token);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (IntrospectionStatus.Outcome(response, trust.UseUserinfo, key, outcomes) is { } decided) return decided;
            if (response.Content.Headers.ContentLength > maxBytes) return outcomes.InvalidResponse($"more than {maxBytes} bytes");
            var body = await ReadBoundedAsync(response.Content, timeout.Token).ConfigureAwait(false);
            if (body is null) return outcomes.InvalidResponse($"more than {maxBytes} bytes");
            using var document = JsonDocument.Parse(body);
            return reader.Read(key, document.RootElement);
        }
        catch (OperationCanceledException)
        {
            // Only the call's own timeout (or the client's) cancels it: no exchange's cancellation reaches here.
            return outcomes.Unavailable($"no answer within {definition.Timeout}");
        }
        catch (HttpRequestException e)
        {
            return outcomes.Unavailable(e.Message);
        }
        catch (JsonException)
        {
            return outcomes.InvalidResponse("with no JSON object");
        }
        catch (Exception e)
        {
            // Whatever else went wrong fails the exchanges waiting for this call, and nothing more.
            return outcomes.Failure("exception", Errors.ServerError($"introspection for handler {definition.Name} failed: {e.GetType().Name}"), LogLevel.Error);
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

    /// <summary>The body as text; null when it is larger than <see cref="IntrospectionImplementation.MaxResponseBytes"/>.</summary>
    private static async Task<string?> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        const int maxBytes = IntrospectionImplementation.MaxResponseBytes;
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes + 1);
        try
        {
            var total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(total, maxBytes + 1 - total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > maxBytes) return null;
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
