using Microsoft.AspNetCore.Mvc;
using TokenExchange.Server.Admin;
using TokenExchange.Silo.Admin;

namespace TokenExchange.Server.Setup.Pages;

/// <summary>The pages that edit an app's settings with <see cref="AppForm"/>.</summary>
public abstract class AppPageBase(DefinitionAdmin admin, AdminAudit audit) : SetupPage(admin, audit)
{
    [BindProperty]
    public AppForm Form { get; set; } = new();
}
