using System.CommandLine;
using TokenExchange.Protos.V1;

namespace TokenExchange.Cli.Commands.Admin;

/// <summary>One-definition changes: delete, enable-app, disable-app, users enable|disable.</summary>
public static class ChangeCommands
{
    public static Command Delete(TextWriter output, TextWriter error)
    {
        var admin = new AdminOptions();
        var kind = new Argument<string>("kind") { Description = "app or handler" };
        kind.AcceptOnlyFromAmong("app", "handler");
        var name = new Argument<string>("name");
        var command = new Command("delete", "delete an app or a handler") { kind, name };
        admin.AddTo(command);
        command.SetAction((parse, _) => admin.RunAsync(parse, error, async (client, options) =>
            await Print(output, await client.DeleteAsync(new DeleteRequest { Kind = parse.GetValue(kind)!, Name = parse.GetValue(name)! }, options))));
        return command;
    }

    public static Command EnableApp(TextWriter output, TextWriter error)
    {
        var admin = new AdminOptions();
        var handler = new Argument<string>("handler");
        var app = new Argument<string>("app") { Description = "the app's client id" };
        var isDefault = new Option<bool>("--default") { Description = "make this handler the app's default" };
        var allowCreation = new Option<bool>("--allow-user-creation") { Description = "let exchanges through this app create users" };
        var command = new Command("enable-app", "enable a handler for an app (or change how it is enabled)") { handler, app, isDefault, allowCreation };
        admin.AddTo(command);
        command.SetAction((parse, _) => admin.RunAsync(parse, error, async (client, options) => await Print(output, await client.EnableAppAsync(new EnableAppRequest
        {
            Handler = parse.GetValue(handler)!,
            ClientId = parse.GetValue(app)!,
            Default = parse.GetValue(isDefault),
            AllowUserCreation = parse.GetValue(allowCreation),
        }, options))));
        return command;
    }

    public static Command DisableApp(TextWriter output, TextWriter error)
    {
        var admin = new AdminOptions();
        var handler = new Argument<string>("handler");
        var app = new Argument<string>("app") { Description = "the app's client id" };
        var command = new Command("disable-app", "stop a handler serving an app") { handler, app };
        admin.AddTo(command);
        command.SetAction((parse, _) => admin.RunAsync(parse, error, async (client, options) =>
            await Print(output, await client.DisableAppAsync(new DisableAppRequest { Handler = parse.GetValue(handler)!, ClientId = parse.GetValue(app)! }, options))));
        return command;
    }

    public static Command Revoke(TextWriter output, TextWriter error)
    {
        var admin = new AdminOptions();
        var user = new Option<string?>("--user") { Description = "the user's id" };
        var subject = new Option<string?>("--subject") { Description = "a subject at an identity provider (with --handler and --issuer)" };
        var handler = new Option<string?>("--handler") { Description = "the handler the subject came through" };
        var issuer = new Option<string?>("--issuer") { Description = "the identity provider that issued the subject" };
        var command = new Command("revoke", "end every refresh token and opaque access token issued for a user or a subject, cluster-wide") { user, subject, handler, issuer };
        admin.AddTo(command);
        command.SetAction(async (parse, _) =>
        {
            if ((parse.GetValue(user) is null) == (parse.GetValue(subject) is null))
            {
                await error.WriteLineAsync("error: give --user ID, or --subject SUB with --handler and --issuer");
                return ExitCodes.Usage;
            }
            return await admin.RunAsync(parse, error, async (client, options) => await Print(output, parse.GetValue(user) is { } id
                ? await client.RevokeUserAsync(new RevokeUserRequest { Id = id }, options)
                : await client.RevokeSubjectAsync(new RevokeSubjectRequest { Subject = parse.GetValue(subject)!, Handler = parse.GetValue(handler) ?? "", Issuer = parse.GetValue(issuer) ?? "" }, options)));
        });
        return command;
    }

    public static Command Users(TextWriter output, TextWriter error)
    {
        Command SetEnabled(string name, bool enabled)
        {
            var admin = new AdminOptions();
            var id = new Argument<string>("id") { Description = "the user's id" };
            var command = new Command(name, enabled ? "enable a user" : "disable a user: every exchange for it is refused, cluster-wide") { id };
            admin.AddTo(command);
            command.SetAction((parse, _) => admin.RunAsync(parse, error, async (client, options) =>
                await Print(output, await client.SetUserEnabledAsync(new SetUserEnabledRequest { Id = parse.GetValue(id)!, Enabled = enabled }, options))));
            return command;
        }
        return new Command("users", "manage users") { SetEnabled("disable", false), SetEnabled("enable", true), Import(output, error), Links(output, error), Unlink(output, error) };
    }

    private static Command Links(TextWriter output, TextWriter error)
    {
        var admin = new AdminOptions();
        var id = new Argument<string>("id") { Description = "the user's id" };
        var command = new Command("links", "list the external identities (handler, issuer, subject) linked to a user") { id };
        admin.AddTo(command);
        command.SetAction((parse, _) => admin.RunAsync(parse, error, async (client, options) =>
        {
            var links = await client.ListUserLinksAsync(new ListUserLinksRequest { Id = parse.GetValue(id)! }, options);
            if (links.CreatedBy.Length > 0) await output.WriteLineAsync($"created by handler {links.CreatedBy}");
            await output.WriteLineAsync("HANDLER\tISSUER\tSUBJECT");
            foreach (var link in links.Links) await output.WriteLineAsync($"{link.Handler}\t{link.Issuer}\t{link.Subject}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Unlink(TextWriter output, TextWriter error)
    {
        var admin = new AdminOptions();
        var id = new Argument<string>("id") { Description = "the user's id" };
        var handler = new Option<string>("--handler") { Description = "the link's handler", Required = true };
        var issuer = new Option<string>("--issuer") { Description = "the link's issuer", Required = true };
        var subject = new Option<string>("--subject") { Description = "the link's subject", Required = true };
        var command = new Command("unlink", "remove a link: the identity's next exchange maps it afresh, and its refresh tokens end") { id, handler, issuer, subject };
        admin.AddTo(command);
        command.SetAction((parse, _) => admin.RunAsync(parse, error, async (client, options) =>
            await Print(output, await client.UnlinkUserAsync(new UnlinkUserRequest
            {
                Id = parse.GetValue(id)!,
                Link = new UserLink { Handler = parse.GetValue(handler)!, Issuer = parse.GetValue(issuer)!, Subject = parse.GetValue(subject)! },
            }, options))));
        return command;
    }

    private static Command Import(TextWriter output, TextWriter error)
    {
        var admin = new AdminOptions();
        var file = new Argument<FileInfo>("file") { Description = "CSV with a header row, or JSON lines (.jsonl)" };
        var command = new Command("import", "create or update many users; progress on stderr, a summary on stdout") { file };
        admin.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                await error.WriteLineAsync($"error: {path.FullName} does not exist");
                return ExitCodes.Usage;
            }
            return await admin.RunAsync(parse, error, async (client, options) =>
            {
                using var call = client.ImportUsers(options);
                var sent = 0;
                try
                {
                    foreach (var user in UserFiles.Read(path.FullName))
                    {
                        await call.RequestStream.WriteAsync(user, cancellationToken);
                        if (++sent % 1000 == 0) await error.WriteLineAsync($"sent {sent} users...");
                    }
                }
                catch (InvalidDataException e)
                {
                    await call.RequestStream.CompleteAsync();
                    await error.WriteLineAsync($"error: {e.Message}");
                    return ExitCodes.Usage;
                }
                await call.RequestStream.CompleteAsync();
                var result = await call;
                await output.WriteLineAsync($"{sent} users: {result.Created} created, {result.Updated} updated, {result.Unchanged} unchanged, {result.Failed} failed");
                foreach (var problem in result.Problems) await output.WriteLineAsync($"  {problem}");
                return result.Failed == 0 ? ExitCodes.Success : ExitCodes.Refused;
            });
        });
        return command;
    }

    private static async Task<int> Print(TextWriter output, Change change)
    {
        await output.WriteLineAsync($"{change.Action,-9} {change.Kind} {change.Name}");
        return ExitCodes.Success;
    }
}
