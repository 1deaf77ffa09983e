using Microsoft.AspNetCore.Mvc;
using TokenExchange.Clients;
using TokenExchange.Server.Admin;
using TokenExchange.Silo.Admin;

namespace TokenExchange.Server.Setup.Pages;

/// <summary>Creates an app with a generated secret, shown in the response to the creation and never again (or, for private_key_jwt, with its keys and no secret).</summary>
public sealed class NewAppModel(DefinitionAdmin admin, AdminAudit audit) : AppPageBase(admin, audit)
{
    public string? CreatedSecret { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var secret = ClientSecretHasher.Generate();
        if (!await ChangeAsync("create-app", () => Admin.PutAppAsync(Form.ToNewApp(secret), create: true))) return Page();
        // An app that authenticates with client assertions has no secret to show.
        if (!Form.CreatesSecret) return Redirect("/setup/apps/" + Uri.EscapeDataString(Form.ClientId.Trim()));
        // Rendered in the answer to the POST itself (no redirect, no TempData cookie holding it), and not cached.
        CreatedSecret = secret;
        Notice = null;
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
