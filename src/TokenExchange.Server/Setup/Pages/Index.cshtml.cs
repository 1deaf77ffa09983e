using TokenExchange.Definitions;
using TokenExchange.Server.Admin;
using TokenExchange.Silo.Admin;

namespace TokenExchange.Server.Setup.Pages;

public sealed class IndexModel(DefinitionAdmin admin, AdminAudit audit) : SetupPage(admin, audit)
{
    public IReadOnlyList<HandlerDefinition> Handlers { get; private set; } = [];
    public IReadOnlyList<AppDefinition> Apps { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var (apps, handlers) = await Admin.LoadAsync();
        Apps = [.. apps.OrderBy(a => a.ClientId, StringComparer.Ordinal)];
        Handlers = [.. handlers.OrderBy(h => h.Name, StringComparer.Ordinal)];
    }
}
