using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TokenExchange.Configuration;
using TokenExchange.Definitions;
using TokenExchange.Server.Admin;
using TokenExchange.Silo.Admin;

namespace TokenExchange.Server.Setup.Pages;

/// <summary>
/// What every Setup page shares: changes go through <see cref="DefinitionAdmin"/> (the admin API's operations and
/// checks), are audited like the admin API's, and a refused change shows every problem on the page.
/// </summary>
public abstract class SetupPage(DefinitionAdmin admin, AdminAudit audit) : PageModel
{
    protected DefinitionAdmin Admin => admin;

    public List<string> Problems { get; } = [];

    /// <summary>What the last change did, carried over the redirect that follows it.</summary>
    [TempData]
    public string? Notice { get; set; }

    /// <summary>Runs one change; false (with <see cref="Problems"/> filled and status 400) when it was refused.</summary>
    protected async Task<bool> ChangeAsync(string operation, Func<Task<IEnumerable<DefinitionChange>>> change)
    {
        var startedAt = AdminAudit.Start();
        var actor = User.Identity?.Name ?? "admin";
        var address = HttpContext.Connection.RemoteIpAddress?.ToString();
        try
        {
            var changes = (await change()).ToList();
            audit.Record(startedAt, operation, changes, actor, address);
            Notice = changes.Any(c => c.Action != ChangeAction.Unchanged)
                ? string.Join("; ", changes.Where(c => c.Action != ChangeAction.Unchanged).Select(c => $"{c.Kind} '{c.Name}': {c.Action.ToString().ToLowerInvariant()}d"))
                : "Nothing changed.";
            return true;
        }
        catch (Exception e) when (e is DefinitionAdminException or ConfigException)
        {
            Problems.AddRange(e is DefinitionAdminException refused ? refused.Problems : ((ConfigException)e).Problems);
            audit.RecordRefused(startedAt, operation, Problems, actor, address);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return false;
        }
    }

    protected async Task<bool> ChangeAsync(string operation, Func<Task<DefinitionChange>> change) =>
        await ChangeAsync(operation, async () => (IEnumerable<DefinitionChange>)[await change()]);

    protected IActionResult NotFoundPage(string what)
    {
        Problems.Add($"{what} does not exist");
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
