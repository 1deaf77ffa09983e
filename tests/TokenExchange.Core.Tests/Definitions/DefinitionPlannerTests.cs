using TokenExchange.Configuration;
using TokenExchange.Definitions;

namespace TokenExchange.Core.Tests.Definitions;

public sealed class DefinitionPlannerTests
{
    private static AppDefinition App(string clientId, params string[] scopes) => new() { ClientId = clientId, AllowedScopes = scopes };

    private static HandlerDefinition Handler(string name, params string[] clientIds) =>
        new() { Name = name, Enablements = [.. clientIds.Select(id => new HandlerAppEnablement { ClientId = id })] };

    private static UserRecord User(string id, string? email = null) => new() { Id = id, Email = email };

    private static ClusterDefinitions Document(AppDefinition[]? apps = null, HandlerDefinition[]? handlers = null, UserRecord[]? users = null) =>
        new(apps ?? [], handlers ?? [], users ?? []);

    private static readonly Dictionary<string, UserRecord?> NoUsers = [];

    private static DefinitionChange Change(string kind, string name, ChangeAction action) => new(kind, name, action);

    [Fact]
    public void Definitions_missing_from_the_current_ones_are_created()
    {
        var plan = DefinitionPlanner.Plan([], [], new Dictionary<string, UserRecord?> { ["u-1"] = null },
            Document([App("orders")], [Handler("partner", "orders")], [User("u-1")]), prune: false);

        Assert.Equal(
            [
                Change(DefinitionPlanner.App, "orders", ChangeAction.Create),
                Change(DefinitionPlanner.Handler, "partner", ChangeAction.Create),
                Change(DefinitionPlanner.User, "u-1", ChangeAction.Create),
            ],
            plan);
    }

    [Fact]
    public void A_user_missing_from_the_current_users_dictionary_is_created()
    {
        var plan = DefinitionPlanner.Plan([], [], NoUsers, Document(users: [User("u-1")]), prune: false);

        Assert.Equal([Change(DefinitionPlanner.User, "u-1", ChangeAction.Create)], plan);
    }

    [Fact]
    public void Changed_definitions_are_updated_and_equal_ones_are_unchanged()
    {
        AppDefinition[] currentApps = [App("orders", "api"), App("billing", "api")];
        HandlerDefinition[] currentHandlers = [Handler("partner", "orders"), Handler("internal", "billing")];
        var currentUsers = new Dictionary<string, UserRecord?> { ["u-1"] = User("u-1", "one@example.com"), ["u-2"] = User("u-2", "two@example.com") };

        // Fresh instances with fresh arrays: equal by content, not by reference.
        var plan = DefinitionPlanner.Plan(currentApps, currentHandlers, currentUsers,
            Document(
                [App("orders", "api"), App("billing", "api", "openid")],
                [Handler("partner", "orders"), Handler("internal", "billing", "orders")],
                [User("u-1", "one@example.com"), User("u-2", "new@example.com")]),
            prune: false);

        Assert.Equal(
            [
                Change(DefinitionPlanner.App, "orders", ChangeAction.Unchanged),
                Change(DefinitionPlanner.App, "billing", ChangeAction.Update),
                Change(DefinitionPlanner.Handler, "partner", ChangeAction.Unchanged),
                Change(DefinitionPlanner.Handler, "internal", ChangeAction.Update),
                Change(DefinitionPlanner.User, "u-1", ChangeAction.Unchanged),
                Change(DefinitionPlanner.User, "u-2", ChangeAction.Update),
            ],
            plan);
    }

    [Fact]
    public void A_change_deep_inside_a_handler_is_an_update()
    {
        var current = Handler("partner", "orders");
        var desired = current with { Enablements = [new HandlerAppEnablement { ClientId = "orders", RunAs = "u-runner" }] };

        var plan = DefinitionPlanner.Plan([App("orders")], [current], NoUsers, Document([App("orders")], [desired]), prune: false);

        Assert.Contains(Change(DefinitionPlanner.Handler, "partner", ChangeAction.Update), plan);
    }

    [Fact]
    public void With_prune_apps_and_handlers_missing_from_the_document_are_deleted_in_name_order()
    {
        AppDefinition[] currentApps = [App("zeta"), App("orders"), App("alpha")];
        HandlerDefinition[] currentHandlers = [Handler("partner", "orders"), Handler("old-b"), Handler("old-a")];

        var plan = DefinitionPlanner.Plan(currentApps, currentHandlers, NoUsers,
            Document([App("orders")], [Handler("partner", "orders")]), prune: true);

        Assert.Equal(
            [
                Change(DefinitionPlanner.App, "orders", ChangeAction.Unchanged),
                Change(DefinitionPlanner.App, "alpha", ChangeAction.Delete),
                Change(DefinitionPlanner.App, "zeta", ChangeAction.Delete),
                Change(DefinitionPlanner.Handler, "partner", ChangeAction.Unchanged),
                Change(DefinitionPlanner.Handler, "old-a", ChangeAction.Delete),
                Change(DefinitionPlanner.Handler, "old-b", ChangeAction.Delete),
            ],
            plan);
    }

    [Fact]
    public void An_empty_document_with_prune_deletes_every_app_and_handler()
    {
        var plan = DefinitionPlanner.Plan([App("orders")], [Handler("partner", "orders")], NoUsers, Document(), prune: true);

        Assert.Equal(
            [Change(DefinitionPlanner.App, "orders", ChangeAction.Delete), Change(DefinitionPlanner.Handler, "partner", ChangeAction.Delete)],
            plan);
    }

    [Fact]
    public void Without_prune_nothing_is_deleted()
    {
        var plan = DefinitionPlanner.Plan([App("orders"), App("billing")], [Handler("partner", "orders"), Handler("internal")], NoUsers,
            Document([App("orders")], [Handler("partner", "orders")]), prune: false);

        Assert.DoesNotContain(plan, c => c.Action == ChangeAction.Delete);
        Assert.Equal(
            [Change(DefinitionPlanner.App, "orders", ChangeAction.Unchanged), Change(DefinitionPlanner.Handler, "partner", ChangeAction.Unchanged)],
            plan);
    }

    [Fact]
    public void An_empty_document_without_prune_changes_nothing()
    {
        Assert.Empty(DefinitionPlanner.Plan([App("orders")], [Handler("partner", "orders")], NoUsers, Document(), prune: false));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Users_are_never_deleted(bool prune)
    {
        var currentUsers = new Dictionary<string, UserRecord?> { ["u-1"] = User("u-1"), ["u-2"] = User("u-2") };

        var plan = DefinitionPlanner.Plan([], [], currentUsers, Document(users: [User("u-1")]), prune);

        Assert.Equal([Change(DefinitionPlanner.User, "u-1", ChangeAction.Unchanged)], plan);
    }

    [Fact]
    public void With_prune_an_empty_user_list_plans_nothing_for_users()
    {
        var currentUsers = new Dictionary<string, UserRecord?> { ["u-1"] = User("u-1") };

        Assert.Empty(DefinitionPlanner.Plan([], [], currentUsers, Document(), prune: true));
    }

    [Fact]
    public void Names_are_compared_ordinally()
    {
        var plan = DefinitionPlanner.Plan([App("Orders")], [], NoUsers, Document([App("orders")]), prune: true);

        Assert.Equal(
            [Change(DefinitionPlanner.App, "orders", ChangeAction.Create), Change(DefinitionPlanner.App, "Orders", ChangeAction.Delete)],
            plan);
    }

    [Fact]
    public void Result_without_prune_keeps_current_definitions_and_replaces_those_the_document_names()
    {
        var oldOrders = App("orders", "api");
        var newOrders = App("orders", "api", "openid");
        var billing = App("billing");
        var reports = App("reports");
        var oldPartner = Handler("partner", "orders");
        var newPartner = Handler("partner", "orders", "billing");
        var internalHandler = Handler("internal", "billing");

        var (apps, handlers) = DefinitionPlanner.Result([oldOrders, billing], [oldPartner, internalHandler],
            Document([newOrders, reports], [newPartner]), prune: false);

        Assert.Equal([billing, newOrders, reports], apps);
        Assert.Equal([internalHandler, newPartner], handlers);
    }

    [Fact]
    public void Result_with_prune_is_exactly_the_document()
    {
        var newOrders = App("orders", "openid");
        var newPartner = Handler("partner", "orders");

        var (apps, handlers) = DefinitionPlanner.Result([App("orders"), App("billing")], [Handler("partner"), Handler("internal")],
            Document([newOrders], [newPartner]), prune: true);

        Assert.Equal([newOrders], apps);
        Assert.Equal([newPartner], handlers);
    }

    [Fact]
    public void Result_keeps_duplicates_in_the_document_so_the_rules_can_refuse_them()
    {
        var (apps, _) = DefinitionPlanner.Result([App("orders")], [], Document([App("billing"), App("billing")]), prune: false);

        Assert.Equal(["orders", "billing", "billing"], apps.Select(a => a.ClientId));
        Assert.Contains(DefinitionRules.Check(apps, [], []), p => p.Contains("app 'billing'", StringComparison.Ordinal));
    }

    [Fact]
    public void Same_compares_content_not_array_references()
    {
        Assert.True(DefinitionPlanner.Same(Handler("partner", "orders"), Handler("partner", "orders")));
        Assert.True(DefinitionPlanner.Same(App("orders", "api"), App("orders", "api")));
        Assert.NotEqual(App("orders", "api"), App("orders", "api"));
    }

    [Fact]
    public void Same_sees_differences()
    {
        Assert.False(DefinitionPlanner.Same(Handler("partner", "orders"), Handler("partner", "billing")));
        Assert.False(DefinitionPlanner.Same(App("orders"), App("orders") with { TokenExchangeEnabled = true }));
        Assert.False(DefinitionPlanner.Same(User("u-1"), User("u-1") with { Enabled = false }));
    }

    [Fact]
    public void Same_is_false_against_nothing()
    {
        Assert.False(DefinitionPlanner.Same(App("orders"), null));
        Assert.False(DefinitionPlanner.Same<UserRecord>(User("u-1"), null));
    }
}
