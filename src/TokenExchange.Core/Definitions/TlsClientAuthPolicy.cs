namespace TokenExchange.Definitions;

/// <summary>
/// Which client certificate authenticates an app (RFC 8705 section 2). With <c>tls_client_auth</c> a
/// certificate from the configured CA whose subject DN or DNS subject alternative name is the registered
/// one; with <c>self_signed_tls_client_auth</c> a certificate whose thumbprint is registered.
/// </summary>
public sealed record TlsClientAuthPolicy
{
    /// <summary><c>tls_client_auth</c>: the expected subject DN, in .NET's format (normalised on load).</summary>
    public string? SubjectDn { get; init; }

    /// <summary><c>tls_client_auth</c>: an expected DNS subject alternative name, instead of the subject DN.</summary>
    public string? SanDns { get; init; }

    /// <summary><c>self_signed_tls_client_auth</c>: the registered certificates' <c>x5t#S256</c> thumbprints (base64url).</summary>
    public string[] Thumbprints { get; init; } = [];
}

/// <summary>Token endpoint authentication methods (RFC 7591 names).</summary>
public static class ClientAuthMethods
{
    /// <summary>A client secret, by HTTP Basic or in the form (both are accepted for secret apps).</summary>
    public const string ClientSecretBasic = "client_secret_basic";
    public const string ClientSecretPost = "client_secret_post";

    /// <summary>RFC 8705 section 2.1: a certificate from a trusted CA with the registered subject.</summary>
    public const string TlsClientAuth = "tls_client_auth";

    /// <summary>RFC 8705 section 2.2: a registered (typically self-signed) certificate.</summary>
    public const string SelfSignedTlsClientAuth = "self_signed_tls_client_auth";

    /// <summary>
    /// RFC 7523 section 2.2 (OpenID Connect Core section 9): a JWT the client signs with its own key, or a workload
    /// identity token of a federated issuer (<see cref="ClientAssertionPolicy"/>).
    /// </summary>
    public const string PrivateKeyJwt = "private_key_jwt";

    public static readonly string[] All = [ClientSecretBasic, ClientSecretPost, TlsClientAuth, SelfSignedTlsClientAuth, PrivateKeyJwt];

    public static bool IsMutualTls(string method) => method is TlsClientAuth or SelfSignedTlsClientAuth;

    public static bool IsClientAssertion(string method) => method is PrivateKeyJwt;
}
