using TokenExchange.Definitions;
using TokenExchange.Handlers;

namespace TokenExchange.Core.Tests.Definitions;

public sealed class DefinitionRulesTests
{
    private static readonly AppDefinition Orders = new() { ClientId = "orders" };
    private static readonly AppDefinition Reports = new() { ClientId = "reports" };

    private static HandlerDefinition Handler(string name, params HandlerAppEnablement[] apps) => new() { Name = name, Enablements = apps };

    private static HandlerAppEnablement Enable(string clientId, bool isDefault = false) => new() { ClientId = clientId, Default = isDefault };

    private static List<string> Check(AppDefinition[]? apps = null, HandlerDefinition[]? handlers = null, UserRecord[]? users = null) =>
        [.. DefinitionRules.Check(apps ?? [Orders, Reports], handlers ?? [], users ?? [])];

    [Fact]
    public void Consistent_definitions_have_no_problems()
    {
        var problems = Check(
            handlers: [Handler("a", Enable("orders", isDefault: true), Enable("reports")), Handler("b", Enable("orders"), Enable("reports", isDefault: true))],
            users: [new() { Id = "u-1", FederationId = "f-1", Email = "one@example.com" }, new() { Id = "u-2", FederationId = "f-2", Email = "two@example.com" }]);

        Assert.Empty(problems);
    }

    [Fact]
    public void Duplicate_app_is_a_problem()
    {
        Assert.Contains(Check(apps: [Orders, Orders]), p => p.Contains("app 'orders'", StringComparison.Ordinal));
    }

    [Fact]
    public void Duplicate_handler_is_a_problem()
    {
        Assert.Contains(Check(handlers: [Handler("a"), Handler("a")]), p => p.Contains("handler 'a'", StringComparison.Ordinal));
    }

    [Fact]
    public void Duplicate_user_id_is_a_problem()
    {
        Assert.Contains(Check(users: [new() { Id = "u-1" }, new() { Id = "u-1" }]), p => p.Contains("user 'u-1'", StringComparison.Ordinal));
    }

    [Fact]
    public void Handler_enabled_for_a_missing_app_is_a_problem()
    {
        var problem = Assert.Single(Check(handlers: [Handler("a", Enable("billing"))]));

        Assert.Contains("billing", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Handler_enabling_an_app_twice_is_a_problem()
    {
        var problem = Assert.Single(Check(handlers: [Handler("a", Enable("orders"), Enable("orders"))]));

        Assert.Contains("more than once", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_default_handlers_for_one_app_is_a_problem_naming_both()
    {
        var problem = Assert.Single(Check(handlers: [Handler("a", Enable("orders", isDefault: true)), Handler("b", Enable("orders", isDefault: true))]));

        Assert.Contains("'orders'", problem, StringComparison.Ordinal);
        Assert.Contains("a, b", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void One_default_handler_per_app_is_fine()
    {
        Assert.Empty(Check(handlers: [Handler("a", Enable("orders", isDefault: true)), Handler("b", Enable("reports", isDefault: true))]));
    }

    [Theory]
    [InlineData(UserField.FederationId)]
    [InlineData(UserField.Username)]
    [InlineData(UserField.Email)]
    public void Two_users_sharing_a_mapping_attribute_is_a_problem(UserField attribute)
    {
        UserRecord With(string id, string value) => attribute switch
        {
            UserField.FederationId => new() { Id = id, FederationId = value },
            UserField.Username => new() { Id = id, Username = value },
            _ => new() { Id = id, Email = value },
        };

        var problem = Assert.Single(Check(users: [With("u-1", "shared"), With("u-2", "shared")]));

        Assert.Contains(attribute.ToString(), problem, StringComparison.Ordinal);
        Assert.Contains("'shared'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Users_without_an_attribute_do_not_clash()
    {
        Assert.Empty(Check(users: [new() { Id = "u-1" }, new() { Id = "u-2" }]));
    }
}
