namespace TokenExchange.Server.Setup;

/// <summary>The Setup page's sign-in: a cookie of its own, required by one policy for /setup and /dashboard.</summary>
public static class SetupAuthentication
{
    public const string Scheme = "setup";
    public const string Policy = "setup-admin";
    public const string CookieName = "tx-setup";
    public const string AdminClaim = "tx-admin";
    public const string SignInPath = "/setup/signin";

    /// <summary>Short: a forgotten browser tab does not stay an admin for long; each request within it extends it.</summary>
    public static readonly TimeSpan CookieLifetime = TimeSpan.FromMinutes(20);
}
