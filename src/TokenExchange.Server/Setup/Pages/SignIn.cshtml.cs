using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TokenExchange.Grains.Admin;
using TokenExchange.Server.Admin;

namespace TokenExchange.Server.Setup.Pages;

/// <summary>Sign-in with the admin API's credentials, checked by the same <see cref="AdminAuthenticator"/>.</summary>
public sealed class SignInModel(AdminAuthenticator authenticator, SignInThrottle throttle, DefinitionAdmin admin, AdminAudit audit)
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
            ? new AdminVerdict(false, AdminCredentialFailure.Invalid, "enter the admin key or an admin access token", null)
            : await authenticator.VerifyAsync(credential.Trim(), "setup sign-in", address);
        if (!verdict.Allowed)
        {
            throttle.Failed(address);
            Problems.Add(verdict.Message);
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, verdict.Who ?? "admin"), new Claim(SetupAuthentication.AdminClaim, "true")],
            SetupAuthentication.Scheme);
        await HttpContext.SignInAsync(SetupAuthentication.Scheme, new ClaimsPrincipal(identity));
        return LocalRedirect(ReturnUrl is { } url && Url.IsLocalUrl(url) ? url : "/setup");
    }

    public async Task<IActionResult> OnPostSignOutAsync()
    {
        await HttpContext.SignOutAsync(SetupAuthentication.Scheme);
        return RedirectToPage();
    }
}
