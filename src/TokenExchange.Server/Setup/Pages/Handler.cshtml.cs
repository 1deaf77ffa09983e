using Microsoft.AspNetCore.Mvc;
using TokenExchange.Definitions;
using TokenExchange.Server.Admin;
using TokenExchange.Silo.Admin;

namespace TokenExchange.Server.Setup.Pages;

/// <summary>One handler: its trust settings, and which apps may use it (enable, disable, default, user creation).</summary>
public sealed class HandlerModel(DefinitionAdmin admin, AdminAudit audit) : SetupPage(admin, audit)
{
    [BindProperty(SupportsGet = true)]
    public string Name { get; set; } = "";

    public HandlerDefinition? Handler { get; private set; }
    public IReadOnlyList<string> OtherApps { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFoundPage($"handler '{Name}'");

    public async Task<IActionResult> OnPostEnableAsync(string clientId, bool isDefault, bool allowUserCreation)
    {
        if (await ChangeAsync("enable-app", () => Admin.PutEnablementAsync(Name, clientId, isDefault, allowUserCreation))) return RedirectToPage();
        return await LoadAsync() ? Page() : NotFoundPage($"handler '{Name}'");
    }

    public async Task<IActionResult> OnPostDisableAsync(string clientId)
    {
        if (await ChangeAsync("disable-app", () => Admin.RemoveEnablementAsync(Name, clientId))) return RedirectToPage();
        return await LoadAsync() ? Page() : NotFoundPage($"handler '{Name}'");
    }

    private async Task<bool> LoadAsync()
    {
        var (apps, handlers) = await Admin.LoadAsync();
        Handler = handlers.FirstOrDefault(h => h.Name == Name);
        if (Handler is null) return false;
        OtherApps = [.. apps.Select(a => a.ClientId).Where(id => Handler.Enablements.All(e => e.ClientId != id)).Order(StringComparer.Ordinal)];
        return true;
    }
}
