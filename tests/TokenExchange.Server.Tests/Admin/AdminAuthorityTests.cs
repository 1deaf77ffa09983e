using Grpc.Core;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Admin;

namespace TokenExchange.Server.Tests.Admin;

/// <summary>
/// Admin authority over the admin API (gRPC): the admin key, or an admin-scoped token from an app listed in
/// <c>admin.clients</c> for a user listed in <c>admin.users</c> who is enabled; every refusal is an audit event
/// without the credential.
/// </summary>
public sealed class AdminAuthorityTests
{
    [Fact]
    public async Task Only_tokens_from_a_listed_app_for_a_listed_user_are_admin_credentials()
    {
        await using var server = await AdminAuthorityServer.StartAsync();

        var listed = await server.AdminToken("ops-console", "admin-ext");
        var otherApp = await server.AdminToken("partner-portal", "admin-ext");
        var otherUser = await server.AdminToken("ops-console", "alice-ext");
        var createdJustInTime = await server.AdminToken("ops-console", "partner-user-never-seen");

        Assert.Equal(StatusCode.OK, await server.GetApps(listed));
        Assert.Equal(StatusCode.OK, await server.GetApps(AdminAuthorityServer.AdminKey));
        Assert.Equal(StatusCode.PermissionDenied, await server.GetApps(otherApp));
        Assert.Equal(StatusCode.PermissionDenied, await server.GetApps(otherUser));
        Assert.Equal(StatusCode.PermissionDenied, await server.GetApps(createdJustInTime));
    }

    [Fact]
    public async Task A_disabled_users_admin_token_is_refused_and_works_again_once_enabled()
    {
        await using var server = await AdminAuthorityServer.StartAsync();
        var token = await server.AdminToken("ops-console", "ops-ext");
        Assert.Equal(StatusCode.OK, await server.GetApps(token));

        await server.Admin.SetUserEnabledAsync(new SetUserEnabledRequest { Id = "u-ops", Enabled = false }, AdminAuthorityServer.Bearer(AdminAuthorityServer.AdminKey));
        var whileDisabled = await server.GetApps(token);
        await server.Admin.SetUserEnabledAsync(new SetUserEnabledRequest { Id = "u-ops", Enabled = true }, AdminAuthorityServer.Bearer(AdminAuthorityServer.AdminKey));

        Assert.Equal(StatusCode.PermissionDenied, whileDisabled);
        Assert.Equal(StatusCode.OK, await server.GetApps(token));
    }

    [Fact]
    public async Task An_expired_admin_token_is_refused()
    {
        await using var server = await AdminAuthorityServer.StartAsync();
        var token = await server.AdminToken("ops-console", "admin-ext");
        Assert.Equal(StatusCode.OK, await server.GetApps(token));

        // Five minutes is an access token's default lifetime (the test clock stood still while the server started).
        server.Clock.SetUtcNow(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5) + AdminAuthenticator.ClockSkew + TimeSpan.FromSeconds(1));

        Assert.Equal(StatusCode.Unauthenticated, await server.GetApps(token));
    }

    [Fact]
    public async Task Every_refused_admin_call_is_an_audit_event_without_the_credential()
    {
        await using var server = await AdminAuthorityServer.StartAsync();
        const string wrongKey = "not-the-authority-admin-key-0123456789";
        var otherApp = await server.AdminToken("partner-portal", "admin-ext");
        var disabled = await server.AdminToken("ops-console", "ops-ext");
        var expiring = await server.AdminToken("ops-console", "admin-ext");
        await server.Admin.SetUserEnabledAsync(new SetUserEnabledRequest { Id = "u-ops", Enabled = false }, AdminAuthorityServer.Bearer(AdminAuthorityServer.AdminKey));

        Assert.Equal(StatusCode.Unauthenticated, await server.GetApps(wrongKey));
        Assert.Equal(StatusCode.PermissionDenied, await server.GetApps(otherApp));
        Assert.Equal(StatusCode.PermissionDenied, await server.GetApps(disabled));
        server.Clock.SetUtcNow(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(6));
        Assert.Equal(StatusCode.Unauthenticated, await server.GetApps(expiring));

        var refused = server.RefusedSignIns();
        Assert.Equal(4, refused.Count);
        Assert.Contains(refused, l => l.Contains("actor=anonymous", StringComparison.Ordinal) && l.Contains("reason=admin key does not match", StringComparison.Ordinal));
        Assert.Contains(refused, l => l.Contains("actor=token:u-admin", StringComparison.Ordinal) && l.Contains("partner-portal is not in admin.clients", StringComparison.Ordinal));
        Assert.Contains(refused, l => l.Contains("actor=token:u-ops", StringComparison.Ordinal) && l.Contains("reason=user disabled", StringComparison.Ordinal));
        Assert.Contains(refused, l => l.Contains("reason=token expired", StringComparison.Ordinal));
        Assert.All(refused, l => Assert.Contains("/tokenexchange.v1.Admin/Get", l));
        foreach (var credential in new[] { wrongKey, otherApp, disabled, expiring })
            Assert.DoesNotContain(server.Logs.Lines, l => l.Message.Contains(credential, StringComparison.Ordinal));
    }
}
