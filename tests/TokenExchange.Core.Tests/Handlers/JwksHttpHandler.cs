using System.Net;
using System.Text;

namespace TokenExchange.Core.Tests.Handlers;

/// <summary>Serves a JWKS document to an HttpClient, counts requests, and can fail or hold requests on demand.</summary>
internal sealed class JwksHttpHandler(Func<string> document) : HttpMessageHandler
{
    private int requests;

    public int Requests => Volatile.Read(ref requests);

    /// <summary>Answer 500 instead of the document.</summary>
    public bool Fail { get; set; }

    /// <summary>When set, every request waits for it before answering.</summary>
    public TaskCompletionSource? Gate { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref requests);
        if (Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
        if (Fail) return new HttpResponseMessage(HttpStatusCode.InternalServerError);
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(document(), Encoding.UTF8, "application/json"),
        };
    }
}
