using Microsoft.AspNetCore.Mvc;
using TokenExchange.Silo.Admin;
using TokenExchange.Server.Admin;

namespace TokenExchange.Server.Setup.Pages;

/// <summary>The pages that edit an app's settings with <see cref="AppForm"/>.</summary>
public abstract class AppPageBase(DefinitionAdmin admin, AdminAudit audit) : SetupPage(admin, audit)
{
    [BindProperty]
    public AppForm Form { get; set; } = new();
}
