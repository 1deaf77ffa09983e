using TokenExchange.Abstractions;
using TokenExchange.Configuration;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Grains.Users;
using TokenExchange.Handlers;
using TokenExchange.Silo;
using TokenExchange.Silo.Admin;
using TokenExchange.Testing;
using Xunit.Sdk;
using static TokenExchange.Grains.Tests.TestDefinitions;

namespace TokenExchange.Grains.Tests.Admin;

/// <summary>
/// Admin changes go through <see cref="DefinitionAdmin"/>: checked against the rules over all definitions as they
/// would be afterwards, refused whole on a violation, and seen by every silo's cache.
/// Every definition a test makes has a unique name; prunes keep every definition other tests rely on.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DefinitionAdminTests(ClusterFixture cluster)
{
    private DefinitionAdmin Admin0 => cluster.Service<DefinitionAdmin>(0);

    private DefinitionAdmin Admin1 => cluster.Service<DefinitionAdmin>(1);

    [Fact]
    public async Task Dry_run_reports_the_plan_and_changes_nothing()
    {
        await AssertConsistentAsync();
        var (app, handler, user) = NewSet();
        var before = await IndexAsync();

        var plan = await Admin0.ApplyAsync(Document([app], [handler], [user]), prune: false, dryRun: true);

        Assert.Equal(
            [
                new DefinitionChange(DefinitionPlanner.App, app.ClientId, ChangeAction.Create),
                new DefinitionChange(DefinitionPlanner.Handler, handler.Name, ChangeAction.Create),
                new DefinitionChange(DefinitionPlanner.User, user.Id, ChangeAction.Create),
            ],
            plan);
        Assert.Null(await StoredAppAsync(app.ClientId));
        Assert.Null(await StoredHandlerAsync(handler.Name));
        Assert.Null(await StoredUserAsync(user.Id));
        Assert.Null(await cluster.Service<GrainUserDirectory>(0).FindIdAsync(UserField.FederationId, user.FederationId!));
        Assert.Equal(before, await IndexAsync());
    }

    [Fact]
    public async Task Dry_run_with_prune_plans_the_delete_and_deletes_nothing()
    {
        await AssertConsistentAsync();
        var app = App(Unique("admin-app"));
        await Admin0.ApplyAsync(Document([app]), prune: false, dryRun: false);
        var (apps, handlers) = await Admin0.LoadAsync();
        var before = await IndexAsync();

        var plan = await Admin0.ApplyAsync(KeepingOthers(apps, handlers, dropApps: [app.ClientId]), prune: true, dryRun: true);

        Assert.Equal([new DefinitionChange(DefinitionPlanner.App, app.ClientId, ChangeAction.Delete)], plan.Where(c => c.Action != ChangeAction.Unchanged));
        Assert.NotNull(await StoredAppAsync(app.ClientId));
        Assert.Equal(before, await IndexAsync());
    }

    [Fact]
    public async Task Apply_creates_and_applying_again_is_all_unchanged_and_writes_nothing()
    {
        await AssertConsistentAsync();
        var (app, handler, user) = NewSet();
        var document = Document([app], [handler], [user]);

        var created = await Admin0.ApplyAsync(document, prune: false, dryRun: false);

        Assert.Equal(
            [
                new DefinitionChange(DefinitionPlanner.App, app.ClientId, ChangeAction.Create),
                new DefinitionChange(DefinitionPlanner.Handler, handler.Name, ChangeAction.Create),
                new DefinitionChange(DefinitionPlanner.User, user.Id, ChangeAction.Create),
            ],
            created);
        Assert.True(DefinitionPlanner.Same(app, await StoredAppAsync(app.ClientId)));
        Assert.True(DefinitionPlanner.Same(handler, await StoredHandlerAsync(handler.Name)));
        Assert.Equal(user, await StoredUserAsync(user.Id));
        Assert.Equal(user.Id, await cluster.Service<GrainUserDirectory>(1).FindIdAsync(UserField.FederationId, user.FederationId!));
        var index = await RegistryAsync();
        Assert.Contains(app.ClientId, index.ClientIds);
        Assert.Contains(handler.Name, index.HandlerNames);

        var again = await Admin1.ApplyAsync(document, prune: false, dryRun: false);

        Assert.All(again, c => Assert.Equal(ChangeAction.Unchanged, c.Action));
        Assert.Equal(created.Select(c => (c.Kind, c.Name)), again.Select(c => (c.Kind, c.Name)));
        Assert.Equal(index.Version, (await IndexAsync()).Version);
    }

    [Fact]
    public async Task Apply_without_prune_updates_what_changed_and_deletes_nothing()
    {
        await AssertConsistentAsync();
        var (app, handler, user) = NewSet();
        var other = App(Unique("admin-other"));
        await Admin0.ApplyAsync(Document([app, other], [handler], [user]), prune: false, dryRun: false);

        var renamed = user with { DisplayName = "Renamed" };
        var disabled = app with { TokenExchangeEnabled = false };
        var plan = await Admin0.ApplyAsync(Document([disabled], [handler], [renamed]), prune: false, dryRun: false);

        Assert.Equal(
            [
                new DefinitionChange(DefinitionPlanner.App, app.ClientId, ChangeAction.Update),
                new DefinitionChange(DefinitionPlanner.Handler, handler.Name, ChangeAction.Unchanged),
                new DefinitionChange(DefinitionPlanner.User, user.Id, ChangeAction.Update),
            ],
            plan);
        Assert.False((await StoredAppAsync(app.ClientId))!.TokenExchangeEnabled);
        Assert.Equal("Renamed", (await StoredUserAsync(user.Id))!.DisplayName);
        Assert.NotNull(await StoredAppAsync(other.ClientId));
        Assert.NotNull(await StoredAppAsync(Orders));
    }

    [Fact]
    public async Task Prune_deletes_only_what_the_document_lacks()
    {
        await AssertConsistentAsync();
        var kept = App(Unique("admin-kept"));
        var gone = App(Unique("admin-gone"));
        var keptHandler = Handler(Unique("admin-kept-handler"),
            new HandlerAppEnablement { ClientId = kept.ClientId, Default = true },
            new HandlerAppEnablement { ClientId = gone.ClientId, Default = true });
        var goneHandler = Handler(Unique("admin-gone-handler"), new HandlerAppEnablement { ClientId = gone.ClientId });
        var user = NewUser();
        await Admin0.ApplyAsync(Document([kept, gone], [keptHandler, goneHandler], [user]), prune: false, dryRun: false);

        var (apps, handlers) = await Admin0.LoadAsync();
        var narrowed = keptHandler with { Enablements = [new HandlerAppEnablement { ClientId = kept.ClientId, Default = true }] };
        var desired = KeepingOthers(apps, handlers, dropApps: [gone.ClientId], dropHandlers: [goneHandler.Name, keptHandler.Name]);
        desired = desired with { Handlers = [.. desired.Handlers, narrowed] };

        var plan = await Admin0.ApplyAsync(desired, prune: true, dryRun: false);

        Assert.Equal(
            [
                new DefinitionChange(DefinitionPlanner.App, gone.ClientId, ChangeAction.Delete),
                new DefinitionChange(DefinitionPlanner.Handler, goneHandler.Name, ChangeAction.Delete),
            ],
            plan.Where(c => c.Action == ChangeAction.Delete));
        Assert.Equal([new DefinitionChange(DefinitionPlanner.Handler, keptHandler.Name, ChangeAction.Update)], plan.Where(c => c.Action == ChangeAction.Update));
        Assert.Equal(apps.Count + handlers.Count, plan.Count);

        Assert.Null(await StoredAppAsync(gone.ClientId));
        Assert.Null(await StoredHandlerAsync(goneHandler.Name));
        Assert.NotNull(await StoredAppAsync(kept.ClientId));
        Assert.Equal([kept.ClientId], (await StoredHandlerAsync(keptHandler.Name))!.Enablements.Select(e => e.ClientId));
        Assert.Equal(user, await StoredUserAsync(user.Id));
        foreach (var app in apps.Where(a => a.ClientId != gone.ClientId)) Assert.NotNull(await StoredAppAsync(app.ClientId));
        foreach (var handler in handlers.Where(h => h.Name != goneHandler.Name)) Assert.NotNull(await StoredHandlerAsync(handler.Name));
        var index = await RegistryAsync();
        Assert.DoesNotContain(gone.ClientId, index.ClientIds);
        Assert.DoesNotContain(goneHandler.Name, index.HandlerNames);
        Assert.Equal(apps.Count - 1, index.ClientIds.Length);
        Assert.Equal(handlers.Count - 1, index.HandlerNames.Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Apply_leaving_a_handler_for_a_missing_app_and_two_defaults_is_refused_whole_with_every_problem(bool dryRun)
    {
        await AssertConsistentAsync();
        var app = App(Unique("admin-app"));
        var missing = Unique("admin-missing");
        var orphan = Handler(Unique("admin-orphan"), new HandlerAppEnablement { ClientId = missing });
        var rival = Handler(Unique("admin-rival"), new HandlerAppEnablement { ClientId = Orders, Default = true });
        var user = NewUser();
        var before = await IndexAsync();

        var refused = await Assert.ThrowsAsync<DefinitionAdminException>(
            () => Admin0.ApplyAsync(Document([app], [orphan, rival], [user]), prune: false, dryRun));

        Assert.Equal(AdminFailure.Invalid, refused.Failure);
        Assert.Equal(2, refused.Problems.Count);
        Assert.Contains(refused.Problems, p => p == $"handler '{orphan.Name}' is enabled for app '{missing}', which does not exist");
        Assert.Contains(refused.Problems, p => p.StartsWith($"app '{Orders}' has more than one default handler", StringComparison.Ordinal)
            && p.Contains(Partner, StringComparison.Ordinal) && p.Contains(rival.Name, StringComparison.Ordinal));
        await AssertNothingWrittenAsync(before, app, [orphan, rival], user);
    }

    [Fact]
    public async Task Prune_that_would_delete_an_app_a_kept_handler_still_enables_is_refused()
    {
        await AssertConsistentAsync();
        var (app, handler, _) = NewSet();
        await Admin0.ApplyAsync(Document([app], [handler]), prune: false, dryRun: false);
        var (apps, handlers) = await Admin0.LoadAsync();
        var before = await IndexAsync();

        var refused = await Assert.ThrowsAsync<DefinitionAdminException>(
            () => Admin0.ApplyAsync(KeepingOthers(apps, handlers, dropApps: [app.ClientId]), prune: true, dryRun: false));

        Assert.Equal(AdminFailure.Invalid, refused.Failure);
        Assert.Equal([$"handler '{handler.Name}' is enabled for app '{app.ClientId}', which does not exist"], refused.Problems);
        Assert.NotNull(await StoredAppAsync(app.ClientId));
        Assert.Equal(before, await IndexAsync());
    }

    [Fact]
    public async Task A_user_taking_another_users_email_is_refused_before_anything_is_written()
    {
        await AssertConsistentAsync();
        var owner = NewUser() with { Email = Unique("owner") + "@example.com" };
        await Admin0.ApplyAsync(Document(users: [owner]), prune: false, dryRun: false);
        var (app, handler, _) = NewSet();
        var taker = NewUser() with { Email = owner.Email };
        var before = await IndexAsync();

        var refused = await Assert.ThrowsAsync<DefinitionAdminException>(
            () => Admin1.ApplyAsync(Document([app], [handler], [taker]), prune: false, dryRun: false));

        Assert.Equal(AdminFailure.Invalid, refused.Failure);
        Assert.Equal([$"user '{taker.Id}': Email '{owner.Email}' belongs to user '{owner.Id}'"], refused.Problems);
        await AssertNothingWrittenAsync(before, app, [handler], taker);
        Assert.Null(await cluster.Service<GrainUserDirectory>(0).FindIdAsync(UserField.FederationId, taker.FederationId!));
        Assert.Equal(owner, await StoredUserAsync(owner.Id));
    }

    [Fact]
    public async Task A_user_taking_another_users_email_in_other_case_is_refused()
    {
        await AssertConsistentAsync();
        var owner = NewUser() with { Email = Unique("owner") + "@example.com" };
        await Admin0.ApplyAsync(Document(users: [owner]), prune: false, dryRun: false);
        var taker = NewUser() with { Email = owner.Email!.ToUpperInvariant() };

        var refused = await Assert.ThrowsAsync<DefinitionAdminException>(
            () => Admin0.ApplyAsync(Document(users: [taker]), prune: false, dryRun: false));

        Assert.Equal(AdminFailure.Invalid, refused.Failure);
        Assert.Contains(refused.Problems, p => p.Contains($"belongs to user '{owner.Id}'", StringComparison.Ordinal));
        Assert.Null(await StoredUserAsync(taker.Id));
    }

    [Fact]
    public async Task Two_users_of_one_document_whose_emails_differ_only_in_case_are_refused_before_anything_is_written()
    {
        // Emails match case-insensitively in the directory (UserIndexKey), so only one of these users can be stored.
        await AssertConsistentAsync();
        var app = App(Unique("admin-app"));
        var email = Unique("shared") + "@example.com";
        var first = NewUser() with { Email = email };
        var second = NewUser() with { Email = email.ToUpperInvariant() };
        var before = await IndexAsync();

        var refused = await Assert.ThrowsAsync<DefinitionAdminException>(
            () => Admin0.ApplyAsync(Document([app], users: [first, second]), prune: false, dryRun: false));

        Assert.Equal(AdminFailure.Invalid, refused.Failure);
        await AssertNothingWrittenAsync(before, app, [], first);
        Assert.Null(await StoredUserAsync(second.Id));
    }

    [Fact]
    public async Task A_user_may_keep_its_own_email_when_updated()
    {
        await AssertConsistentAsync();
        var user = NewUser() with { Email = Unique("self") + "@example.com" };
        await Admin0.ApplyAsync(Document(users: [user]), prune: false, dryRun: false);

        var plan = await Admin1.ApplyAsync(Document(users: [user with { DisplayName = "Still me" }]), prune: false, dryRun: false);

        Assert.Equal([new DefinitionChange(DefinitionPlanner.User, user.Id, ChangeAction.Update)], plan);
        Assert.Equal("Still me", (await StoredUserAsync(user.Id))!.DisplayName);
    }

    [Fact]
    public async Task Admin_keys_in_an_applied_document_are_refused()
    {
        await AssertConsistentAsync();
        var (app, handler, user) = NewSet();
        var before = await IndexAsync();

        var refused = await Assert.ThrowsAsync<DefinitionAdminException>(
            () => Admin0.ApplyAsync(Document([app], [handler], [user]) with { AdminKeyHashes = ["some-hash"] }, prune: false, dryRun: false));

        Assert.Equal(AdminFailure.Invalid, refused.Failure);
        Assert.Equal(["admin keys are set in the server's configuration file, not applied"], refused.Problems);
        await AssertNothingWrittenAsync(before, app, [handler], user);
    }

    [Fact]
    public async Task Enabling_an_app_for_a_missing_handler_is_not_found()
    {
        await AssertConsistentAsync();
        var missing = Unique("admin-missing-handler");

        var refused = await Assert.ThrowsAsync<DefinitionAdminException>(() => Admin0.PutEnablementAsync(missing, Orders, isDefault: false, allowUserCreation: false));

        Assert.Equal(AdminFailure.NotFound, refused.Failure);
        Assert.Equal([$"handler '{missing}' does not exist"], refused.Problems);
        Assert.Null(await StoredHandlerAsync(missing));
    }

    [Fact]
    public async Task Enabling_a_missing_app_is_invalid()
    {
        await AssertConsistentAsync();
        var (app, handler, _) = NewSet();
        await Admin0.ApplyAsync(Document([app], [handler]), prune: false, dryRun: false);
        var missing = Unique("admin-missing-app");

        var refused = await Assert.ThrowsAsync<DefinitionAdminException>(() => Admin0.PutEnablementAsync(handler.Name, missing, isDefault: false, allowUserCreation: false));

        Assert.Equal(AdminFailure.Invalid, refused.Failure);
        Assert.Equal([$"handler '{handler.Name}' is enabled for app '{missing}', which does not exist"], refused.Problems);
        Assert.True(DefinitionPlanner.Same(handler, await StoredHandlerAsync(handler.Name)));
    }

    [Fact]
    public async Task Enabling_a_second_default_handler_for_an_app_is_invalid_and_changes_nothing()
    {
        await AssertConsistentAsync();
        var (app, handler, _) = NewSet();
        var second = Handler(Unique("admin-second"));
        await Admin0.ApplyAsync(Document([app], [handler, second]), prune: false, dryRun: false);
        var before = await IndexAsync();

        var refused = await Assert.ThrowsAsync<DefinitionAdminException>(() => Admin1.PutEnablementAsync(second.Name, app.ClientId, isDefault: true, allowUserCreation: false));

        Assert.Equal(AdminFailure.Invalid, refused.Failure);
        var problem = Assert.Single(refused.Problems);
        Assert.StartsWith($"app '{app.ClientId}' has more than one default handler", problem, StringComparison.Ordinal);
        Assert.Contains(handler.Name, problem, StringComparison.Ordinal);
        Assert.Contains(second.Name, problem, StringComparison.Ordinal);
        Assert.Empty((await StoredHandlerAsync(second.Name))!.Enablements);
        Assert.Equal(before, await IndexAsync());

        var asSecondary = await Admin1.PutEnablementAsync(second.Name, app.ClientId, isDefault: false, allowUserCreation: false);
        Assert.Equal(new DefinitionChange(DefinitionPlanner.Handler, second.Name, ChangeAction.Update), asSecondary);
        Assert.Equal([app.ClientId], (await StoredHandlerAsync(second.Name))!.Enablements.Select(e => e.ClientId));
    }

    [Fact]
    public async Task Enabling_an_enabled_app_updates_its_enablement_in_place_and_keeps_run_as()
    {
        await AssertConsistentAsync();
        var app = App(Unique("admin-app"));
        var handler = Handler(Unique("admin-handler"), new HandlerAppEnablement { ClientId = app.ClientId, RunAs = "u-runner" });
        await Admin0.ApplyAsync(Document([app], [handler]), prune: false, dryRun: false);

        var change = await Admin0.PutEnablementAsync(handler.Name, app.ClientId, isDefault: true, allowUserCreation: true);

        Assert.Equal(new DefinitionChange(DefinitionPlanner.Handler, handler.Name, ChangeAction.Update), change);
        var enablement = Assert.Single((await StoredHandlerAsync(handler.Name))!.Enablements);
        Assert.Equal(new HandlerAppEnablement { ClientId = app.ClientId, Default = true, AllowUserCreation = true, RunAs = "u-runner" }, enablement);

        var again = await Admin1.PutEnablementAsync(handler.Name, app.ClientId, isDefault: true, allowUserCreation: true);
        Assert.Equal(ChangeAction.Unchanged, again.Action);
    }

    [Fact]
    public async Task Enabling_an_app_again_with_the_same_settings_is_unchanged_wherever_its_enablement_stands()
    {
        await AssertConsistentAsync();
        var first = App(Unique("admin-first"));
        var second = App(Unique("admin-second"));
        var handler = Handler(Unique("admin-handler"),
            new HandlerAppEnablement { ClientId = first.ClientId, Default = true, RunAs = "u-runner" },
            new HandlerAppEnablement { ClientId = second.ClientId });
        await Admin0.ApplyAsync(Document([first, second], [handler]), prune: false, dryRun: false);
        var before = await IndexAsync();

        var change = await Admin0.PutEnablementAsync(handler.Name, first.ClientId, isDefault: true, allowUserCreation: false);

        Assert.Equal(ChangeAction.Unchanged, change.Action);
        Assert.Equal(before.Version, (await IndexAsync()).Version);
    }

    [Fact]
    public async Task Disabling_an_app_removes_its_enablement_and_disabling_it_again_is_not_found()
    {
        await AssertConsistentAsync();
        var (app, handler, _) = NewSet();
        var other = App(Unique("admin-other"));
        var both = handler with { Enablements = [.. handler.Enablements, new HandlerAppEnablement { ClientId = other.ClientId }] };
        await Admin0.ApplyAsync(Document([app, other], [both]), prune: false, dryRun: false);

        var change = await Admin0.RemoveEnablementAsync(handler.Name, app.ClientId);

        Assert.Equal(new DefinitionChange(DefinitionPlanner.Handler, handler.Name, ChangeAction.Update), change);
        Assert.Equal([other.ClientId], (await StoredHandlerAsync(handler.Name))!.Enablements.Select(e => e.ClientId));

        var refused = await Assert.ThrowsAsync<DefinitionAdminException>(() => Admin1.RemoveEnablementAsync(handler.Name, app.ClientId));
        Assert.Equal(AdminFailure.NotFound, refused.Failure);
        Assert.Equal([$"handler '{handler.Name}' is not enabled for app '{app.ClientId}'"], refused.Problems);
    }

    [Fact]
    public async Task Disabling_an_app_of_a_missing_handler_is_not_found()
    {
        await AssertConsistentAsync();
        var missing = Unique("admin-missing-handler");

        var refused = await Assert.ThrowsAsync<DefinitionAdminException>(() => Admin0.RemoveEnablementAsync(missing, Orders));

        Assert.Equal(AdminFailure.NotFound, refused.Failure);
        Assert.Equal([$"handler '{missing}' does not exist"], refused.Problems);
    }

    [Fact]
    public async Task Deleting_an_app_a_handler_still_enables_is_invalid_and_deleting_it_after_disabling_works()
    {
        await AssertConsistentAsync();
        var (app, handler, _) = NewSet();
        await Admin0.ApplyAsync(Document([app], [handler]), prune: false, dryRun: false);

        var refused = await Assert.ThrowsAsync<DefinitionAdminException>(() => Admin0.DeleteAsync(DefinitionPlanner.App, app.ClientId));

        Assert.Equal(AdminFailure.Invalid, refused.Failure);
        Assert.Equal([$"handler '{handler.Name}' is enabled for app '{app.ClientId}', which does not exist"], refused.Problems);
        Assert.NotNull(await StoredAppAsync(app.ClientId));

        await Admin0.RemoveEnablementAsync(handler.Name, app.ClientId);
        var deleted = await Admin1.DeleteAsync(DefinitionPlanner.App, app.ClientId);

        Assert.Equal(new DefinitionChange(DefinitionPlanner.App, app.ClientId, ChangeAction.Delete), deleted);
        Assert.Null(await StoredAppAsync(app.ClientId));
        Assert.DoesNotContain(app.ClientId, (await RegistryAsync()).ClientIds);
    }

    [Fact]
    public async Task Deleting_a_handler_removes_it_from_its_grain_and_the_registry_index()
    {
        await AssertConsistentAsync();
        var (app, handler, _) = NewSet();
        await Admin0.ApplyAsync(Document([app], [handler]), prune: false, dryRun: false);
        Assert.Contains(handler.Name, (await RegistryAsync()).HandlerNames);

        var deleted = await Admin0.DeleteAsync(DefinitionPlanner.Handler, handler.Name);

        Assert.Equal(new DefinitionChange(DefinitionPlanner.Handler, handler.Name, ChangeAction.Delete), deleted);
        Assert.Null(await StoredHandlerAsync(handler.Name));
        Assert.DoesNotContain(handler.Name, (await RegistryAsync()).HandlerNames);
        Assert.NotNull(await StoredAppAsync(app.ClientId));
        await cluster.UntilAllCachesAsync(s => !s.Handlers.ContainsKey(handler.Name), "the deleted handler gone from every cache");
    }

    [Theory]
    [InlineData(DefinitionPlanner.App)]
    [InlineData(DefinitionPlanner.Handler)]
    public async Task Deleting_a_missing_definition_is_not_found(string kind)
    {
        await AssertConsistentAsync();
        var missing = Unique("admin-missing");

        var refused = await Assert.ThrowsAsync<DefinitionAdminException>(() => Admin0.DeleteAsync(kind, missing));

        Assert.Equal(AdminFailure.NotFound, refused.Failure);
        Assert.Equal([$"{kind} '{missing}' does not exist"], refused.Problems);
    }

    [Fact]
    public async Task Deleting_a_user_is_invalid()
    {
        await AssertConsistentAsync();
        var user = NewUser();
        await Admin0.ApplyAsync(Document(users: [user]), prune: false, dryRun: false);

        var refused = await Assert.ThrowsAsync<DefinitionAdminException>(() => Admin0.DeleteAsync(DefinitionPlanner.User, user.Id));

        Assert.Equal(AdminFailure.Invalid, refused.Failure);
        Assert.Contains("'user' cannot be deleted", Assert.Single(refused.Problems), StringComparison.Ordinal);
        Assert.Equal(user, await StoredUserAsync(user.Id));
    }

    [Fact]
    public async Task Disabling_a_user_refuses_its_next_exchange_and_enabling_it_restores_it()
    {
        await AssertConsistentAsync();
        var user = NewUser();
        await Admin0.ApplyAsync(Document(users: [user]), prune: false, dryRun: false);
        Assert.Equal(user.Id, (await cluster.ExchangeAsync(0, Request(Orders, user.FederationId!))).UserId);

        var disabled = await Admin1.SetUserEnabledAsync(user.Id, enabled: false);

        Assert.Equal(new DefinitionChange(DefinitionPlanner.User, user.Id, ChangeAction.Update), disabled);
        Assert.False((await Admin0.GetUserAsync(user.Id))!.Enabled);
        var refused = await Poll.UntilAsync(() => cluster.ExchangeAsync(0, Request(Orders, user.FederationId!)), o => o.Error is not null,
            TimeSpan.FromSeconds(3), "the disabled user to be refused");
        Assert.Equal(OAuthErrorCodes.InvalidGrant, refused.Error?.Code);
        Assert.Null(refused.Tokens);
        Assert.Equal(OAuthErrorCodes.InvalidGrant, (await cluster.ExchangeAsync(1, Request(Orders, user.FederationId!))).Error?.Code);
        Assert.Equal(ChangeAction.Unchanged, (await Admin0.SetUserEnabledAsync(user.Id, enabled: false)).Action);

        var enabled = await Admin0.SetUserEnabledAsync(user.Id, enabled: true);

        Assert.Equal(new DefinitionChange(DefinitionPlanner.User, user.Id, ChangeAction.Update), enabled);
        var restored = await Poll.UntilAsync(() => cluster.ExchangeAsync(1, Request(Orders, user.FederationId!)), o => o.Error is null,
            TimeSpan.FromSeconds(3), "the re-enabled user to be served");
        Assert.Equal(user.Id, restored.UserId);
        Assert.Equal(user.Id, (await cluster.ExchangeAsync(0, Request(Orders, user.FederationId!))).UserId);
        Assert.Equal(user, await StoredUserAsync(user.Id));
    }

    [Fact]
    public async Task Enabling_a_missing_user_is_not_found()
    {
        var missing = Unique("u-missing");

        var refused = await Assert.ThrowsAsync<DefinitionAdminException>(() => Admin0.SetUserEnabledAsync(missing, enabled: true));

        Assert.Equal(AdminFailure.NotFound, refused.Failure);
        Assert.Equal([$"user '{missing}' does not exist"], refused.Problems);
        Assert.Null(await StoredUserAsync(missing));
    }

    [Fact]
    public async Task Changes_through_silo_0_reach_silo_1s_cache_within_two_seconds()
    {
        await AssertConsistentAsync();
        var (app, handler, _) = NewSet();
        var cache = cluster.Service<DefinitionCache>(1);

        await Admin0.ApplyAsync(Document([app], [handler]), prune: false, dryRun: false);
        var took = await Poll.UntilAsync(
            () => cache.Snapshot.Apps.ContainsKey(app.ClientId) && cache.Snapshot.DefaultHandlers.GetValueOrDefault(app.ClientId) == handler.Name,
            TimeSpan.FromSeconds(2), "the applied app and handler in silo 1's cache");
        Assert.True(took < TimeSpan.FromSeconds(2), $"took {took}");

        await Admin0.RemoveEnablementAsync(handler.Name, app.ClientId);
        await Poll.UntilAsync(() => cache.Snapshot.Handlers.TryGetValue(handler.Name, out var h) && h.Enablements.Length == 0,
            TimeSpan.FromSeconds(2), "the disabled app in silo 1's cache");
        Assert.False(cache.Snapshot.DefaultHandlers.ContainsKey(app.ClientId));

        await Admin0.DeleteAsync(DefinitionPlanner.App, app.ClientId);
        await Poll.UntilAsync(() => !cache.Snapshot.Apps.ContainsKey(app.ClientId), TimeSpan.FromSeconds(2), "the deleted app gone from silo 1's cache");
    }

    [Fact]
    public async Task Putting_an_app_creates_it_once_and_updates_only_an_existing_one()
    {
        await AssertConsistentAsync();
        var app = App(Unique("admin-put-app"));

        Assert.Equal(new DefinitionChange(DefinitionPlanner.App, app.ClientId, ChangeAction.Create), await Admin0.PutAppAsync(app, create: true));
        var again = await Assert.ThrowsAsync<DefinitionAdminException>(() => Admin1.PutAppAsync(app, create: true));
        Assert.Equal([$"app '{app.ClientId}' already exists"], again.Problems);

        var changed = app with { Label = "Put app", AllowedScopes = ["api"] };
        Assert.Equal(new DefinitionChange(DefinitionPlanner.App, app.ClientId, ChangeAction.Update), await Admin1.PutAppAsync(changed, create: false));
        Assert.True(DefinitionPlanner.Same(changed, await StoredAppAsync(app.ClientId)));

        var missing = await Assert.ThrowsAsync<DefinitionAdminException>(() => Admin0.PutAppAsync(App(Unique("admin-missing")), create: false));
        Assert.Equal(AdminFailure.NotFound, missing.Failure);
    }

    [Fact]
    public async Task Setting_the_default_handler_moves_the_flag_between_the_handlers_enabled_for_the_app()
    {
        await AssertConsistentAsync();
        var (app, first, _) = NewSet();
        var second = Handler(Unique("admin-second"), new HandlerAppEnablement { ClientId = app.ClientId, AllowUserCreation = true });
        var unrelated = Handler(Unique("admin-unrelated"));
        await Admin0.ApplyAsync(Document([app], [first, second, unrelated]), prune: false, dryRun: false);

        var changes = await Admin0.SetDefaultHandlerAsync(app.ClientId, second.Name);

        Assert.Equal([first.Name, second.Name], changes.Select(c => c.Name));
        Assert.False((await StoredHandlerAsync(first.Name))!.Enablements.Single().Default);
        var moved = (await StoredHandlerAsync(second.Name))!.Enablements.Single();
        Assert.True(moved.Default);
        Assert.True(moved.AllowUserCreation);
        await cluster.UntilAllCachesAsync(s => s.DefaultHandlers.GetValueOrDefault(app.ClientId) == second.Name, "the new default on every silo");

        var notEnabled = await Assert.ThrowsAsync<DefinitionAdminException>(() => Admin1.SetDefaultHandlerAsync(app.ClientId, unrelated.Name));
        Assert.Equal([$"handler '{unrelated.Name}' is not enabled for app '{app.ClientId}'; enable it first"], notEnabled.Problems);
        Assert.Empty(await Admin1.SetDefaultHandlerAsync(app.ClientId, second.Name));

        await Admin1.SetDefaultHandlerAsync(app.ClientId, null);
        Assert.DoesNotContain((await Admin1.LoadAsync()).Handlers.SelectMany(h => h.Enablements), e => e.ClientId == app.ClientId && e.Default);
    }

    [Fact]
    public async Task A_page_of_users_skips_catalog_ids_with_no_user_and_is_filled_from_the_ids_after_them()
    {
        await AssertConsistentAsync();
        // Ids that sort together, apart from every other test's: real users a, c, e; b and d are listed in their
        // catalog buckets with no user stored, as a creation that failed after its listing leaves them.
        var prefix = Unique("page") + "-";
        UserRecord[] users = [PageUser(prefix + "a"), PageUser(prefix + "c"), PageUser(prefix + "e")];
        await Admin0.ApplyAsync(Document(users: users), prune: false, dryRun: false);
        foreach (var phantom in new[] { prefix + "b", prefix + "d" })
            await cluster.Grains.GetGrain<IUserCatalogGrain>(IUserCatalogGrain.KeyFor(phantom)).Add(phantom);

        var page = await Admin0.ListUsersAsync(prefix, 3);

        // A full page: a short one reads as the last (the setup page then offers no next page).
        Assert.Equal(users.Select(u => u.Id), page.Select(u => u.Id));
        Assert.Equal([users[1].Id], (await Admin1.ListUsersAsync(prefix + "a", 1)).Select(u => u.Id));
    }

    private static UserRecord PageUser(string id) => new() { Id = id, FederationId = id + "-ext", DisplayName = id };

    private static ClusterDefinitions Document(AppDefinition[]? apps = null, HandlerDefinition[]? handlers = null, UserRecord[]? users = null) =>
        new(apps ?? [], handlers ?? [], users ?? []);

    /// <summary>Every current app and handler except the dropped ones: a document that is safe to prune with in the shared cluster.</summary>
    private static ClusterDefinitions KeepingOthers(
        IReadOnlyList<AppDefinition> apps, IReadOnlyList<HandlerDefinition> handlers, string[]? dropApps = null, string[]? dropHandlers = null)
    {
        var document = Document(
            [.. apps.Where(a => dropApps?.Contains(a.ClientId) != true)],
            [.. handlers.Where(h => dropHandlers?.Contains(h.Name) != true)]);
        foreach (var seeded in Seed.Apps) Assert.Contains(document.Apps, a => a.ClientId == seeded.ClientId);
        foreach (var seeded in Seed.Handlers) Assert.Contains(document.Handlers, h => h.Name == seeded.Name);
        return document;
    }

    /// <summary>A fresh app, a handler that is its default, and a user, none of them stored yet.</summary>
    private static (AppDefinition App, HandlerDefinition Handler, UserRecord User) NewSet()
    {
        var app = App(Unique("admin-app"));
        return (app, Handler(Unique("admin-handler"), new HandlerAppEnablement { ClientId = app.ClientId, Default = true }), NewUser());
    }

    private static UserRecord NewUser()
    {
        var id = Unique("u-admin");
        return new UserRecord { Id = id, FederationId = id + "-ext", DisplayName = id };
    }

    private Task<AppDefinition?> StoredAppAsync(string clientId) => cluster.Grains.GetGrain<IAppGrain>(clientId).Get();

    private Task<HandlerDefinition?> StoredHandlerAsync(string name) => cluster.Grains.GetGrain<IHandlerDefinitionGrain>(name).Get();

    private Task<UserRecord?> StoredUserAsync(string id) => cluster.Grains.GetGrain<IUserGrain>(id).Get();

    private Task<DefinitionIndex> RegistryAsync() => cluster.Grains.GetGrain<IDefinitionRegistryGrain>(IDefinitionRegistryGrain.Key).GetIndex();

    /// <summary>The registry's index, with its names sorted and joined so that two indexes compare by value.</summary>
    private async Task<(long Version, string ClientIds, string HandlerNames)> IndexAsync()
    {
        var index = await RegistryAsync();
        return (index.Version, string.Join(",", index.ClientIds.Order(StringComparer.Ordinal)), string.Join(",", index.HandlerNames.Order(StringComparer.Ordinal)));
    }

    private async Task AssertNothingWrittenAsync(
        (long Version, string ClientIds, string HandlerNames) before, AppDefinition app, HandlerDefinition[] handlers, UserRecord user)
    {
        Assert.Null(await StoredAppAsync(app.ClientId));
        foreach (var handler in handlers) Assert.Null(await StoredHandlerAsync(handler.Name));
        Assert.Null(await StoredUserAsync(user.Id));
        var directory = cluster.Service<GrainUserDirectory>(0);
        foreach (var attribute in Enum.GetValues<UserField>())
        {
            if (user.Get(attribute) is { } value && await directory.FindIdAsync(attribute, value) is { } owner)
                Assert.NotEqual(user.Id, owner);
        }
        Assert.Equal(before, await IndexAsync());
    }

    /// <summary>
    /// Admin changes are checked over all definitions, so one left inconsistent by another test (written to the
    /// grains directly) refuses every apply here; say so instead of failing on an unrelated problem.
    /// </summary>
    private async Task AssertConsistentAsync()
    {
        var (apps, handlers) = await Admin0.LoadAsync();
        var problems = DefinitionRules.Check(apps, handlers, []).ToList();
        if (problems.Count > 0)
            throw new XunitException("the shared cluster's definitions were already inconsistent before this test: " + string.Join("; ", problems));
    }
}
