using System.Net;
using System.Text;
using System.Text.Json;

namespace TokenExchange.Core.Tests.Handlers;

/// <summary>
/// An IdP's introspection or userinfo endpoint for an HttpClient: answers with what <see cref="Answer"/>
/// returns for each request, records what it was sent, and can hold requests until released or cancelled.
/// </summary>
internal sealed class IntrospectionHttpHandler : HttpMessageHandler
{
    private readonly TaskCompletionSource firstRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int requests;

    public int Requests => Volatile.Read(ref requests);

    /// <summary>The answer to a request; by default an active token of subject <c>alice-ext-1</c>.</summary>
    public Func<Request, HttpResponseMessage> Answer { get; set; } = _ => Json(new { active = true, sub = "alice-ext-1" });

    /// <summary>When set, every request waits for it (or for its cancellation) before answering.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Completes when the first request has arrived.</summary>
    public Task FirstRequest => firstRequest.Task;

    public List<Request> Received { get; } = [];

    public static HttpResponseMessage Json(object body, HttpStatusCode status = HttpStatusCode.OK) => new(status)
    {
        Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref requests);
        var received = new Request(
            request.Method,
            request.RequestUri!,
            request.Headers.Authorization?.ToString(),
            request.Content?.Headers.ContentType?.MediaType,
            request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken),
            request.Headers.Accept.ToString());
        lock (Received) Received.Add(received);
        firstRequest.TrySetResult();
        if (Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
        return Answer(received);
    }

    internal sealed record Request(HttpMethod Method, Uri Uri, string? Authorization, string? ContentType, string? Body, string Accept)
    {
        /// <summary>The form fields of the body.</summary>
        public Dictionary<string, string> Form => (Body ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p.Length > 1 ? p[1] : ""));
    }
}
