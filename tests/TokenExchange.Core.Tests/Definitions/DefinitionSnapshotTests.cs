using TokenExchange.Definitions;

namespace TokenExchange.Core.Tests.Definitions;

public sealed class DefinitionSnapshotTests
{
    private static HandlerDefinition Handler(string name, params HandlerAppEnablement[] apps) => new() { Name = name, Enablements = apps };

    [Fact]
    public void Apps_and_handlers_are_indexed_by_key()
    {
        var snapshot = new DefinitionSnapshot(7, [new AppDefinition { ClientId = "orders" }], [Handler("a")]);

        Assert.Equal(7, snapshot.Version);
        Assert.Equal("orders", snapshot.Apps["orders"].ClientId);
        Assert.Equal("a", snapshot.Handlers["a"].Name);
    }

    [Fact]
    public void Default_handlers_map_each_app_to_its_default()
    {
        var snapshot = new DefinitionSnapshot(1, [new AppDefinition { ClientId = "orders" }, new AppDefinition { ClientId = "reports" }],
        [
            Handler("a", new HandlerAppEnablement { ClientId = "orders", Default = true }, new HandlerAppEnablement { ClientId = "reports" }),
            Handler("b", new HandlerAppEnablement { ClientId = "reports", Default = true }, new HandlerAppEnablement { ClientId = "orders" }),
        ]);

        Assert.Equal(2, snapshot.DefaultHandlers.Count);
        Assert.Equal("a", snapshot.DefaultHandlers["orders"]);
        Assert.Equal("b", snapshot.DefaultHandlers["reports"]);
    }

    [Fact]
    public void App_without_default_has_no_entry()
    {
        var snapshot = new DefinitionSnapshot(1, [new AppDefinition { ClientId = "orders" }], [Handler("a", new HandlerAppEnablement { ClientId = "orders" })]);

        Assert.False(snapshot.DefaultHandlers.ContainsKey("orders"));
    }

    [Fact]
    public void Lookups_are_case_sensitive()
    {
        var snapshot = new DefinitionSnapshot(1, [new AppDefinition { ClientId = "orders" }], [Handler("a", new HandlerAppEnablement { ClientId = "orders", Default = true })]);

        Assert.False(snapshot.Apps.ContainsKey("Orders"));
        Assert.False(snapshot.DefaultHandlers.ContainsKey("ORDERS"));
    }

    [Fact]
    public void Empty_snapshot_has_nothing()
    {
        Assert.Empty(DefinitionSnapshot.Empty.Apps);
        Assert.Empty(DefinitionSnapshot.Empty.Handlers);
        Assert.Empty(DefinitionSnapshot.Empty.DefaultHandlers);
    }
}
