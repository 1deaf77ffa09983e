using TokenExchange.Configuration;

namespace TokenExchange.Core.Tests.Configuration;

public sealed class AdminTokenHoldersTests
{
    private const string Key = "an-admin-key-of-enough-length-000";

    [Fact]
    public void By_default_no_token_is_an_admin_credential()
    {
        var holders = ConfigLoader.Parse($"admin: {{ key: {Key} }}").AdminTokenHolders;

        Assert.False(holders.AllowsClient("ops-console"));
        Assert.Same(AdminTokenHolders.None, ConfigLoader.Parse("apps: []").AdminTokenHolders);
    }

    [Fact]
    public void A_listed_app_without_a_users_list_is_admin_for_any_of_its_users()
    {
        var holders = ConfigLoader.Parse($"admin: {{ key: {Key}, clients: [ops-console] }}").AdminTokenHolders;

        Assert.True(holders.AllowsClient("ops-console"));
        Assert.False(holders.AllowsClient("partner-portal"));
        Assert.False(holders.AllowsClient(null));
        Assert.True(holders.AllowsUser("anyone"));
    }

    [Fact]
    public void With_a_users_list_both_the_app_and_the_user_must_be_listed()
    {
        var holders = ConfigLoader.Parse($"admin: {{ clients: [ops-console], users: [u-admin] }}").AdminTokenHolders;

        Assert.True(holders.AllowsClient("ops-console") && holders.AllowsUser("u-admin"));
        Assert.False(holders.AllowsUser("u-partner-created-just-in-time"));
        Assert.False(holders.AllowsUser("U-ADMIN"));
    }

    [Fact]
    public void Users_without_clients_and_empty_names_are_refused_at_load()
    {
        var usersAlone = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("admin: { users: [u-admin] }"));
        var empty = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("admin: { clients: [''] }"));

        Assert.Contains(usersAlone.Problems, p => p.Contains("admin.users needs admin.clients", StringComparison.Ordinal));
        Assert.Contains(empty.Problems, p => p.Contains("admin.clients", StringComparison.Ordinal));
    }
}
