namespace TokenExchange.Silo.Handlers;

/// <summary>The one HttpClient a silo uses to reach identity providers: pooled, with DNS refresh and timeouts.</summary>
public static class IdpHttpClient
{
    public static HttpClient Create() => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        AllowAutoRedirect = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(10),
        MaxResponseContentBufferSize = 1024 * 1024,
    };
}
