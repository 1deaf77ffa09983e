namespace TokenExchange.Definitions;

/// <summary>
/// What an <c>introspection</c> handler asks: the IdP's RFC 7662 introspection endpoint (with our client
/// credentials there), or its OIDC userinfo endpoint, and how long it keeps the IdP's answers.
/// </summary>
public sealed record IntrospectionTrust
{
    /// <summary>The absolute http(s) URL of the introspection (or userinfo) endpoint.</summary>
    public required string Endpoint { get; init; }

    /// <summary>
    /// Our client id and secret at the IdP, sent as HTTP Basic to the introspection endpoint. Unlike an app's
    /// secret, which is hashed on load, this one is our own credential and must be kept as it is to be sent;
    /// never shown by the admin API or logged.
    /// </summary>
    public string? ClientId { get; init; }

    /// <inheritdoc cref="ClientId"/>
    public string? ClientSecret { get; init; }

    /// <summary>
    /// Call an OIDC userinfo endpoint (GET with the token as Bearer) instead of RFC 7662 introspection
    /// (POST with our client credentials).
    /// </summary>
    public bool UseUserinfo { get; init; }

    /// <summary>The issuer of the subjects when the endpoint's answer has no <c>iss</c>; else the endpoint's URL.</summary>
    public string? Issuer { get; init; }

    /// <summary>How long an inactive token's answer is kept (briefly: a token may become active only once).</summary>
    public TimeSpan NegativeCacheFor { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest an active token's answer is kept; never beyond the token's own <c>exp</c>.</summary>
    public TimeSpan MaxCacheFor { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Most answers kept per silo; past it, new answers are not cached until old ones expire.</summary>
    public int MaxCacheEntries { get; init; } = 100_000;

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Endpoint = {Endpoint}, ClientId = {ClientId}, ClientSecret = {Redacted.Mark(ClientSecret)}, UseUserinfo = {UseUserinfo}, Issuer = {Issuer}, ");
        builder.Append($"NegativeCacheFor = {NegativeCacheFor}, MaxCacheFor = {MaxCacheFor}, MaxCacheEntries = {MaxCacheEntries}");
        return true;
    }
}
