using Microsoft.AspNetCore.Mvc;
using TokenExchange.Definitions;
using TokenExchange.Server.Admin;
using TokenExchange.Silo.Admin;

namespace TokenExchange.Server.Setup.Pages;

/// <summary>One app: its settings, its default handler and, per handler, whether its exchanges may create users.</summary>
public sealed class AppDetailsModel(DefinitionAdmin admin, AdminAudit audit) : AppPageBase(admin, audit)
{
    [BindProperty(SupportsGet = true)]
    public string ClientId { get; set; } = "";

    public AppDefinition? App { get; private set; }
    public IReadOnlyList<(string Handler, HandlerAppEnablement Enablement)> Enablements { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync()) return NotFoundPage($"app '{ClientId}'");
        Form = AppForm.From(App!);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync()
    {
        if (!await LoadAsync()) return NotFoundPage($"app '{ClientId}'");
        // The client id is the address's, whatever the form says: an edit never renames.
        Form.ClientId = ClientId;
        if (await ChangeAsync("update-app", () => Admin.PutAppAsync(Form.ToApp(App!), create: false))) return RedirectToPage();
        return Page();
    }

    public async Task<IActionResult> OnPostDefaultAsync(string? handler)
    {
        if (await ChangeAsync("set-default-handler", async () => await Admin.SetDefaultHandlerAsync(ClientId, string.IsNullOrEmpty(handler) ? null : handler)))
            return RedirectToPage();
        return await Reload();
    }

    public async Task<IActionResult> OnPostUserCreationAsync(string handler, bool allow)
    {
        await LoadAsync();
        // Only the permission changes: the enablement keeps whether it is the app's default.
        var isDefault = Enablements.FirstOrDefault(e => e.Handler == handler).Enablement?.Default ?? false;
        if (await ChangeAsync("enable-app", () => Admin.PutEnablementAsync(handler, ClientId, isDefault, allow))) return RedirectToPage();
        return await Reload();
    }

    private async Task<IActionResult> Reload()
    {
        if (!await LoadAsync()) return NotFoundPage($"app '{ClientId}'");
        Form = AppForm.From(App!);
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        var (apps, handlers) = await Admin.LoadAsync();
        App = apps.FirstOrDefault(a => a.ClientId == ClientId);
        Enablements = [.. handlers.OrderBy(h => h.Name, StringComparer.Ordinal)
            .SelectMany(h => h.Enablements.Where(e => e.ClientId == ClientId).Select(e => (h.Name, e)))];
        return App is not null;
    }
}
