using Microsoft.AspNetCore.Mvc;
using TokenExchange.Definitions;
using TokenExchange.Server.Admin;
using TokenExchange.Silo.Admin;

namespace TokenExchange.Server.Setup.Pages;

/// <summary>The user directory a page at a time (in id order), with enable and disable.</summary>
public sealed class UsersModel(DefinitionAdmin admin, AdminAudit audit) : SetupPage(admin, audit)
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public IReadOnlyList<UserRecord> Users { get; private set; } = [];

    public async Task OnGetAsync() => Users = await Admin.ListUsersAsync(After, PageSize);

    public async Task<IActionResult> OnPostSetEnabledAsync(string id, bool enabled)
    {
        if (await ChangeAsync(enabled ? "enable-user" : "disable-user", () => Admin.SetUserEnabledAsync(id, enabled))) return RedirectToPage(new { after = After });
        Users = await Admin.ListUsersAsync(After, PageSize);
        return Page();
    }
}
