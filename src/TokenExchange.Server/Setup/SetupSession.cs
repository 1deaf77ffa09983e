using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using TokenExchange.Server.Admin;

namespace TokenExchange.Server.Setup;

/// <summary>
/// A Setup sign-in made with an admin token lasts no longer than the token's authority: the sign-in cookie
/// carries the token's app, user and expiry (not the token), its lifetime is capped by that expiry, and every
/// request re-checks it (expired, app or user no longer an admin, user disabled or gone), which ends the
/// sign-in. A sign-in with the admin key lasts as long as the cookie does.
/// </summary>
public static class SetupSession
{
    private const string ClientClaim = "tx-admin-client";
    private const string UserClaim = "tx-admin-user";
    private const string ExpiresClaim = "tx-admin-expires";

    /// <summary>The principal and cookie properties of a sign-in made with <paramref name="verdict"/>.</summary>
    public static (ClaimsPrincipal Principal, AuthenticationProperties Properties) For(AdminVerdict verdict, DateTimeOffset now)
    {
        List<Claim> claims = [new(ClaimTypes.Name, verdict.Who ?? "admin"), new(SetupAuthentication.AdminClaim, "true")];
        var properties = new AuthenticationProperties();
        if (verdict.Token is { } token)
        {
            claims.Add(new Claim(ClientClaim, token.ClientId));
            claims.Add(new Claim(UserClaim, token.UserId));
            claims.Add(new Claim(ExpiresClaim, token.Expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
            properties.IssuedUtc = now;
            properties.ExpiresUtc = Min(now + SetupAuthentication.CookieLifetime, token.Expires);
        }
        return (new ClaimsPrincipal(new ClaimsIdentity(claims, SetupAuthentication.Scheme)), properties);
    }

    /// <summary>The cookie handler's events: re-check token sign-ins on every request; never slide past the token's expiry.</summary>
    public static CookieAuthenticationEvents Events() => new()
    {
        OnValidatePrincipal = ValidateAsync,
        OnCheckSlidingExpiration = context =>
        {
            // Renewing keeps the cookie's span from now; past the token's expiry it would outlive the token.
            if (Grant(context.Principal) is { } grant && context.Options.TimeProvider?.GetUtcNow() + context.Options.ExpireTimeSpan > grant.Expires)
                context.ShouldRenew = false;
            return Task.CompletedTask;
        },
    };

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        if (Grant(context.Principal) is not { } grant) return;
        var authenticator = context.HttpContext.RequestServices.GetRequiredService<AdminAuthenticator>();
        var refusal = await authenticator.RecheckAsync(grant, "setup session", context.HttpContext.Connection.RemoteIpAddress?.ToString());
        if (refusal is null) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(SetupAuthentication.Scheme);
    }

    private static AdminTokenGrant? Grant(ClaimsPrincipal? principal)
    {
        if (principal?.FindFirstValue(ExpiresClaim) is not { } expires) return null;
        return new AdminTokenGrant(
            principal.FindFirstValue(ClientClaim) ?? "",
            principal.FindFirstValue(UserClaim) ?? "",
            long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : DateTimeOffset.MinValue);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
