using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Server.Hosting;
using TokenExchange.Server.Tests.Cluster;

namespace TokenExchange.Server.Tests.Embedded;

/// <summary>
/// The embedded default on real processes: its state is in the data folder's SQLite database, survives a
/// kill -9, and a folder in use, a damaged database or a wrong key stops start-up with one line.
/// </summary>
[Collection(RealProcessCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes: the tests run where the server's users do, on Linux
public sealed class EmbeddedDurabilityTests : IAsyncLifetime
{
    private EmbeddedWorld world = null!;

    public async Task InitializeAsync() => world = await EmbeddedWorld.CreateAsync();

    public async Task DisposeAsync() => await world.DisposeAsync();

    [Fact]
    public async Task After_kill_9_the_user_refresh_token_opaque_token_admin_change_and_signing_key_are_still_there()
    {
        var subject = "durable-" + Guid.NewGuid().ToString("N")[..8];
        string userId, keyId, refreshToken, opaqueToken;
        using (var first = world.Server())
        {
            await first.StartAsync();
            var tokens = await EmbeddedWorld.ExchangeAsync(first, world.Request(subject, scopes: ["api", "offline_access"]));
            var jwt = new JsonWebToken(tokens.AccessToken);
            (userId, keyId, refreshToken) = (jwt.Subject, jwt.Kid, tokens.RefreshToken);
            opaqueToken = (await EmbeddedWorld.ExchangeAsync(first, world.Request(subject, "opaque-service"))).AccessToken;
            // The second handler serves the app until an admin takes it away.
            await EmbeddedWorld.ExchangeAsync(first, world.Request(subject, handler: "secondary"));
            await EmbeddedWorld.AdminAsync(first, (admin, headers) => admin.DisableAppAsync(new Protos.V1.DisableAppRequest { Handler = "secondary", ClientId = "orders-service" }, headers).ResponseAsync);
            Assert.False(string.IsNullOrEmpty(refreshToken));
            first.Kill();
        }

        using var second = world.Server();
        await second.StartAsync();
        var again = new JsonWebToken((await EmbeddedWorld.ExchangeAsync(second, world.Request(subject))).AccessToken);
        var refreshed = await EmbeddedWorld.RefreshAsync(second, refreshToken);
        var introspected = await EmbeddedWorld.IntrospectAsync(second, opaqueToken);
        var disabled = await Assert.ThrowsAsync<RpcException>(() => EmbeddedWorld.ExchangeAsync(second, world.Request(subject, handler: "secondary")));
        var published = await EmbeddedWorld.JwksKeyIdsAsync(second);

        Assert.Equal(userId, again.Subject);
        Assert.Equal(keyId, again.Kid);
        Assert.Contains(keyId, published);
        Assert.False(refreshed.IsError, refreshed.Error);
        Assert.Equal(userId, new JsonWebToken(refreshed.AccessToken).Subject);
        Assert.True(introspected.IsActive, introspected.Error);
        Assert.Equal(StatusCode.PermissionDenied, disabled.StatusCode);
    }

    [Fact]
    public async Task The_key_encryption_key_file_is_made_once_for_the_owner_only_and_the_banner_says_where_the_state_is()
    {
        using (var server = world.Server())
        {
            await server.StartAsync();
            Assert.Contains($"State in SQLite at {world.DatabasePath}", server.Output);
            server.Kill();
        }
        var key = await File.ReadAllTextAsync(world.KeyFilePath);
        using (var again = world.Server())
        {
            await again.StartAsync();
            again.Kill();
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(world.KeyFilePath));
        Assert.Equal(key, await File.ReadAllTextAsync(world.KeyFilePath));
        Assert.Equal(32, Convert.FromBase64String(key.Trim()).Length);
    }

    [Fact]
    public async Task A_second_server_on_the_same_data_folder_stops_with_one_line_and_the_first_keeps_serving()
    {
        using var first = world.Server();
        await first.StartAsync();
        var before = await EmbeddedWorld.ExchangeAsync(first, world.Request("shared-folder"));
        using var second = world.Server();

        var exitCode = await second.RunToExitAsync();

        StartupFailureAssert.OneLine(second, exitCode, StartupExitCodes.DataFolderInUse, $"another server is using the data folder '{world.DataPath}'");
        var after = await EmbeddedWorld.ExchangeAsync(first, world.Request("shared-folder"));
        Assert.Equal(new JsonWebToken(before.AccessToken).Subject, new JsonWebToken(after.AccessToken).Subject);
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_one_line_and_left_as_it_was()
    {
        Directory.CreateDirectory(world.DataPath);
        var garbage = System.Security.Cryptography.RandomNumberGenerator.GetBytes(8192);
        await File.WriteAllBytesAsync(world.DatabasePath, garbage);
        using var server = world.Server();

        var exitCode = await server.RunToExitAsync();

        StartupFailureAssert.OneLine(server, exitCode, StartupExitCodes.StateUnusable, $"the embedded database '{world.DatabasePath}' cannot be used");
        Assert.Equal(garbage, await File.ReadAllBytesAsync(world.DatabasePath));
    }

    [Fact]
    public async Task A_damaged_database_is_one_line_and_left_as_it_was()
    {
        using (var server = world.Server())
        {
            await server.StartAsync();
            await EmbeddedWorld.ExchangeAsync(server, world.Request("before-the-damage"));
            await server.StopGracefullyAsync();
        }
        Assert.False(File.Exists(world.DatabasePath + "-wal"), "a graceful stop checkpoints the write-ahead log into the database");
        // Page 2 onwards overwritten: the file still opens as SQLite, but its tables are garbage.
        var bytes = await File.ReadAllBytesAsync(world.DatabasePath);
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes.AsSpan(4096));
        await File.WriteAllBytesAsync(world.DatabasePath, bytes);
        using var damaged = world.Server();

        var exitCode = await damaged.RunToExitAsync();

        StartupFailureAssert.OneLine(damaged, exitCode, StartupExitCodes.StateUnusable, $"the embedded database '{world.DatabasePath}' cannot be used");
        Assert.Equal(bytes, await File.ReadAllBytesAsync(world.DatabasePath));
    }

    [Fact]
    public async Task A_database_that_cannot_be_read_is_one_line()
    {
        // Tests run as root, whom file modes do not stop: a folder where the database file should be cannot be read as one.
        Directory.CreateDirectory(world.DatabasePath);
        using var server = world.Server();

        var exitCode = await server.RunToExitAsync();

        StartupFailureAssert.OneLine(server, exitCode, StartupExitCodes.StateUnusable, $"the embedded database '{world.DatabasePath}' cannot be used");
    }

    [Fact]
    public async Task A_replaced_key_encryption_key_file_is_one_line()
    {
        using (var server = world.Server())
        {
            await server.StartAsync();
            server.Kill();
        }
        await File.WriteAllTextAsync(world.KeyFilePath, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        using var restarted = world.Server();

        var exitCode = await restarted.RunToExitAsync();

        StartupFailureAssert.OneLine(restarted, exitCode, StartupExitCodes.KeyEncryptionKey, "do not decrypt with this key-encryption key");
    }

    [Fact]
    public async Task A_key_encryption_key_file_others_may_read_is_refused_with_how_to_fix_it()
    {
        using (var server = world.Server())
        {
            await server.StartAsync();
            server.Kill();
        }
        File.SetUnixFileMode(world.KeyFilePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using var restarted = world.Server();

        var exitCode = await restarted.RunToExitAsync();

        StartupFailureAssert.OneLine(restarted, exitCode, StartupExitCodes.KeyEncryptionKey, $"chmod 600 '{world.KeyFilePath}'");
    }
}
