namespace TokenExchange.Proofs;

/// <summary>
/// RFC 9449 section 4.3: <c>htu</c> is compared with the request's URL without its query and fragment, after
/// RFC 3986 syntax- and scheme-based normalization (case of scheme and host, default port, percent-encoding
/// of unreserved characters, an empty path as <c>/</c>), which <see cref="Uri"/> performs.
/// </summary>
public static class DpopUris
{
    /// <summary>The URL as compared, or null when it is no absolute http(s) URL.</summary>
    public static string? Normalize(string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri)) return null;
        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) return null;
        return uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
    }

    /// <summary>Whether <paramref name="htu"/> names one of <paramref name="urls"/>.</summary>
    public static bool Matches(string htu, IReadOnlyList<string> urls)
    {
        if (Normalize(htu) is not { } presented) return false;
        foreach (var url in urls)
        {
            if (string.Equals(Normalize(url), presented, StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
