using TokenExchange.Abstractions;
using TokenExchange.Configuration;
using TokenExchange.Definitions;
using TokenExchange.Grains.Users;
using TokenExchange.Handlers;
using TokenExchange.Silo.Admin;
using static TokenExchange.Grains.Tests.TestDefinitions;

namespace TokenExchange.Grains.Tests.Admin;

/// <summary>
/// An apply is all or nothing: everything is checked before anything is written, and a write that still fails
/// midway is rolled back, so apps, handlers and users are as they were.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class AtomicApplyTests(ClusterFixture cluster)
{
    private DefinitionAdmin Admin => cluster.Service<DefinitionAdmin>(0);

    [Fact]
    public async Task An_apply_whose_users_would_share_an_attribute_in_the_directory_writes_no_app_handler_or_user()
    {
        var app = App(Unique("atomic-app"));
        var handler = Handler(Unique("atomic-handler"), new HandlerAppEnablement { ClientId = app.ClientId });
        var tag = Guid.NewGuid().ToString("N")[..8];
        // Different to DefinitionRules (ordinal, ignoring case), one value to the directory (the Kelvin sign folds to k).
        var kelvin = new UserRecord { Id = Unique("u-kelvin"), Email = $"\u212Aate-{tag}@example.com" };
        var kate = new UserRecord { Id = Unique("u-kate"), Email = $"kate-{tag}@example.com" };
        var changedOrders = (await StoredApp(Orders))! with { Label = "changed by a refused apply" };
        var ordersBefore = await StoredApp(Orders);

        var refused = await Assert.ThrowsAsync<DefinitionAdminException>(() =>
            Admin.ApplyAsync(new ClusterDefinitions([app, changedOrders], [handler], [kelvin, kate]), prune: false, dryRun: false));

        Assert.Equal(AdminFailure.Invalid, refused.Failure);
        Assert.Contains(refused.Problems, p => p.Contains(kelvin.Id, StringComparison.Ordinal) && p.Contains(kate.Id, StringComparison.Ordinal));
        Assert.Null(await StoredApp(app.ClientId));
        Assert.Null(await cluster.Grains.GetGrain<IHandlerDefinitionGrain>(handler.Name).Get());
        Assert.True(DefinitionPlanner.Same(ordersBefore!, await StoredApp(Orders)));
        Assert.Null(await cluster.Grains.GetGrain<IUserGrain>(kelvin.Id).Get());
        Assert.Null(await cluster.Grains.GetGrain<IUserGrain>(kate.Id).Get());
        Assert.Null(await cluster.Service<GrainUserDirectory>(0).FindIdAsync(UserField.Email, kate.Email));
    }

    [Fact]
    public async Task An_apply_whose_write_fails_midway_rolls_back_every_app_handler_and_user_it_wrote()
    {
        var existing = App(Unique("atomic-existing"));
        var deleted = App(Unique("atomic-deleted"));
        var user = new UserRecord { Id = Unique("u-atomic"), FederationId = Unique("atomic-ext"), DisplayName = "before" };
        await Admin.ApplyAsync(new ClusterDefinitions([existing, deleted], [], [user]), prune: false, dryRun: false);
        await Admin.DeleteAsync(DefinitionPlanner.App, deleted.ClientId);
        var created = App(Unique("atomic-created"));
        var failing = Handler(FailingWrites.Prefix + Guid.NewGuid().ToString("N")[..8], new HandlerAppEnablement { ClientId = created.ClientId });

        await Assert.ThrowsAnyAsync<Exception>(() => Admin.ApplyAsync(
            new ClusterDefinitions(
                [existing with { Label = "changed" }, created, deleted],
                [failing],
                [user with { DisplayName = "after", FederationId = Unique("atomic-ext-new") }]),
            prune: false, dryRun: false));

        Assert.True(DefinitionPlanner.Same(existing, await StoredApp(existing.ClientId)));
        Assert.Null(await StoredApp(created.ClientId));
        Assert.False(await cluster.Grains.GetGrain<IAppGrain>(created.ClientId).IsDeleted());
        Assert.Null(await StoredApp(deleted.ClientId));
        Assert.True(await cluster.Grains.GetGrain<IAppGrain>(deleted.ClientId).IsDeleted());
        Assert.Null(await cluster.Grains.GetGrain<IHandlerDefinitionGrain>(failing.Name).Get());
        Assert.Equal(user, await cluster.Grains.GetGrain<IUserGrain>(user.Id).Get());
        Assert.Equal(user.Id, await cluster.Service<GrainUserDirectory>(0).FindIdAsync(UserField.FederationId, user.FederationId!));
        var (apps, _) = await Admin.LoadAsync();
        Assert.DoesNotContain(apps, a => a.ClientId == created.ClientId || a.ClientId == deleted.ClientId);
    }

    private Task<AppDefinition?> StoredApp(string clientId) => cluster.Grains.GetGrain<IAppGrain>(clientId).Get();
}
