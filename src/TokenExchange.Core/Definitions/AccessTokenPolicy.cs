namespace TokenExchange.Definitions;

/// <summary>How an app's access tokens are issued.</summary>
public sealed record AccessTokenPolicy
{
    /// <summary><c>jwt</c> (RFC 9068), or <c>opaque</c>: a random handle that resource servers introspect.</summary>
    public string Format { get; init; } = AccessTokenFormats.Jwt;

    public TimeSpan Lifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>When false (the default) an issued token never outlives the subject token it came from.</summary>
    public bool MayOutliveSubjectToken { get; init; }

    /// <summary>
    /// Every access token is bound to a DPoP key: each token request (exchange and refresh) must carry a DPoP proof
    /// (RFC 9449 section 5). Configured as the app's <c>requireDpop</c>.
    /// </summary>
    public bool RequireDpop { get; init; }

    /// <summary>
    /// Every DPoP proof of the app must carry a nonce this cluster issued to it (RFC 9449 section 8); a proof without
    /// one, or with a stale or foreign one, is refused with use_dpop_nonce and the nonce to use. Configured as the
    /// app's <c>requireDpopNonce</c>.
    /// </summary>
    public bool RequireDpopNonce { get; init; }
}

public static class AccessTokenFormats
{
    public const string Jwt = "jwt";
    public const string Opaque = "opaque";
}
