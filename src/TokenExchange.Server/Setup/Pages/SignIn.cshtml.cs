using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using TokenExchange.Server.Admin;
using TokenExchange.Silo.Admin;

namespace TokenExchange.Server.Setup.Pages;

/// <summary>Sign-in with the admin API's credentials, checked by the same <see cref="AdminAuthenticator"/>.</summary>
public sealed class SignInModel(AdminAuthenticator authenticator, SignInThrottle throttle, DefinitionAdmin admin, AdminAudit audit, TimeProvider time)
    : SetupPage(admin, audit)
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? credential)
    {
        var address = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (throttle.IsBlocked(address))
        {
            Problems.Add("too many failed sign-ins from your address: wait a minute and try again");
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = "60";
            return Page();
        }
        var verdict = string.IsNullOrWhiteSpace(credential)
            ? new AdminVerdict(false, AdminCredentialFailure.Invalid, "enter the admin key or an admin access token", null, null)
            : await authenticator.VerifyAsync(credential.Trim(), "setup sign-in", address);
        if (!verdict.Allowed)
        {
            throttle.Failed(address);
            Problems.Add(verdict.Message);
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        var (principal, properties) = SetupSession.For(verdict, time.GetUtcNow());
        await HttpContext.SignInAsync(SetupAuthentication.Scheme, principal, properties);
        return LocalRedirect(ReturnUrl is { } url && Url.IsLocalUrl(url) ? url : "/setup");
    }

    public async Task<IActionResult> OnPostSignOutAsync()
    {
        await HttpContext.SignOutAsync(SetupAuthentication.Scheme);
        return RedirectToPage();
    }
}
