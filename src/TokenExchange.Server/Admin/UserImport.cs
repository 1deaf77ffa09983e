using Grpc.Core;
using TokenExchange.Definitions;
using TokenExchange.Protos.V1;
using TokenExchange.Silo.Admin;

namespace TokenExchange.Server.Admin;

/// <summary>
/// The admin API's user import: a stream of users, each created or updated with its links, a handful at once;
/// a user that cannot be imported is counted and named (the first <see cref="MaxProblems"/>), and the rest go on.
/// </summary>
internal sealed class UserImport(DefinitionAdmin admin, UserLinkAdmin links)
{
    private const int MaxProblems = 20;

    /// <summary>A handful of users in flight at once: each is a few grain calls, mostly waiting on storage.</summary>
    private const int InFlight = 16;

    public async Task<ImportUsersResponse> RunAsync(IAsyncStreamReader<User> users, CancellationToken cancellationToken)
    {
        var response = new ImportUsersResponse();
        var seen = 0;
        var inFlight = new List<Task<(DefinitionChange? Change, string? Problem)>>();
        async Task Drain(int keep)
        {
            while (inFlight.Count > keep)
            {
                var done = await Task.WhenAny(inFlight);
                inFlight.Remove(done);
                var (change, problem) = await done;
                if (problem is not null)
                {
                    response.Failed++;
                    if (response.Problems.Count < MaxProblems) response.Problems.Add(problem);
                }
                else if (change!.Action == ChangeAction.Create) response.Created++;
                else if (change.Action == ChangeAction.Update) response.Updated++;
                else response.Unchanged++;
            }
        }
        await foreach (var user in users.ReadAllAsync(cancellationToken))
        {
            seen++;
            inFlight.Add(ImportOne(user, seen));
            await Drain(keep: InFlight);
        }
        await Drain(keep: 0);
        return response;
    }

    /// <summary>One user and its links; a link added to an unchanged user makes it an update.</summary>
    private async Task<(DefinitionChange? Change, string? Problem)> ImportOne(User user, int line)
    {
        if (user.Id.Length is 0 or > 256) return (null, $"user #{line}: id is required (at most 256 characters)");
        try
        {
            var change = await admin.ImportUserAsync(new UserRecord
            {
                Id = user.Id,
                Username = Optional(user.Username),
                Email = Optional(user.Email),
                FederationId = Optional(user.FederationId),
                DisplayName = Optional(user.DisplayName),
                Enabled = !user.Disabled,
            });
            var linked = false;
            foreach (var link in user.Links) linked |= await links.LinkAsync(user.Id, link.ToIdentity());
            return (linked && change.Action == ChangeAction.Unchanged ? change with { Action = ChangeAction.Update } : change, null);
        }
        catch (DefinitionAdminException e)
        {
            return (null, e.Message);
        }
    }

    private static string? Optional(string value) => value.Length == 0 ? null : value;
}
