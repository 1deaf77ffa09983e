using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace TokenExchange.Server.Hosting;

/// <summary>
/// The real caller behind trusted proxies (<c>--trusted-proxies</c>), through ASP.NET Core's forwarded-headers
/// middleware: only when the TCP peer is in a trusted range is <c>X-Forwarded-For</c> read, from the right, and
/// the connection's remote address becomes the rightmost entry that is not itself a trusted proxy (every hop
/// is consumed while the address just taken is trusted; no limit on hops). A peer outside the ranges is the
/// caller whatever it sends. gRPC metadata are HTTP/2 headers, so the same header works on both front doors,
/// and everything that reads the caller's address (rate limits, audit, the Setup sign-in throttle) sees the result.
/// </summary>
public static class ForwardedClients
{
    public static ForwardedHeadersOptions Options(IReadOnlyList<IPNetwork> trustedProxies)
    {
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor,
            // Walk the whole chain of trusted proxies, not just the last hop (the default of 1).
            ForwardLimit = null,
        };
        // The defaults trust loopback; only the configured ranges are trusted here.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var network in trustedProxies) options.KnownIPNetworks.Add(network);
        return options;
    }

    /// <summary>First in the pipeline, so that everything after it sees the real caller; nothing without trusted proxies.</summary>
    public static void UseForwardedClients(this WebApplication app, IReadOnlyList<IPNetwork> trustedProxies)
    {
        if (trustedProxies.Count > 0) app.UseForwardedHeaders(Options(trustedProxies));
    }
}
