using System.Net;

namespace TokenExchange.Definitions;

/// <summary>
/// A handler fetches the keys (jwks.uri) or the answers (introspection or userinfo endpoint) that decide who a
/// subject is: over plain http anyone on the path could substitute them and so mint any subject. Such URLs must
/// be https://, except to a loopback address (127.0.0.0/8, ::1, localhost: the traffic never leaves the host)
/// or when the handler says <c>allowInsecureHttp: true</c> (development only).
/// </summary>
public static class IdpEndpoints
{
    public static IEnumerable<string> Problems(HandlerDefinition handler)
    {
        if (handler.AllowInsecureHttp) yield break;
        if (handler.IsBuiltIn && handler.Trust.InlineJwks is null && handler.Trust.JwksUri is { } jwks && !IsSecure(jwks))
            yield return Problem(handler.Name, "jwks.uri");
        if (handler.IsIntrospection && handler.Introspection?.Endpoint is { } endpoint && !IsSecure(endpoint))
            yield return Problem(handler.Name, "introspection.endpoint");
    }

    /// <summary>https://, or http:// to a loopback address; anything that is not an absolute URL is left to the other checks.</summary>
    public static bool IsSecure(string url) =>
        !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri));

    private static bool IsLoopback(Uri uri) =>
        uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            ? IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)
            : IdnHost(uri)?.Equals("localhost", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The host in ASCII, or null for a host that IDNA refuses (Uri.TryCreate accepts some that IdnHost then throws on; found by fuzzing).</summary>
    private static string? IdnHost(Uri uri)
    {
        try
        {
            return uri.IdnHost;
        }
        catch (UriFormatException)
        {
            return null;
        }
    }

    // The URL itself is not repeated: it may carry credentials (user:password@host).
    private static string Problem(string handler, string field) =>
        $"handler '{handler}': {field} must be https:// (plain http:// only to a loopback address such as 127.0.0.1, ::1 or localhost, or with allowInsecureHttp: true for development)";
}
