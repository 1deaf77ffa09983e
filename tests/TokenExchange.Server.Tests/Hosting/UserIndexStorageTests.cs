using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.Storage;
using TokenExchange.Grains.Users;
using TokenExchange.Grains;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>
/// User index entries (an identity's link, a unique attribute) are claimed in storage, not by a grain that takes claims
/// one at a time, so their uniqueness is each storage's refusal of a second insert: checked on every storage the server
/// runs on (PostgreSQL, the embedded SQLite default, --ephemeral), through the server's own store.
/// </summary>
public sealed class UserIndexStorageTests
{
    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    [InlineData("ephemeral")]
    public async Task An_index_entry_has_one_owner_however_many_claims_race_for_it(string storage)
    {
        await using var state = await StateArguments.ForAsync(storage);
        await using var server = await LoopbackServer.StartAsync(null, [.. state.Arguments]);
        var indexes = server.Services.GetRequiredService<UserIndexStore>();
        var key = $"link/partner/https%3A%2F%2Fidp.test/{Guid.NewGuid():N}";

        // Two writers that both found the entry free: the storage takes the first and refuses the second.
        var grainStorage = server.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Sessions);
        var id = GrainId.Create(server.Services.GetRequiredService<GrainTypeResolver>().GetGrainType(typeof(UserIndexGrain)), key);
        var first = new GrainState<UserIndexState>(new UserIndexState());
        var second = new GrainState<UserIndexState>(new UserIndexState());
        await grainStorage.ReadStateAsync("owner", id, first);
        await grainStorage.ReadStateAsync("owner", id, second);
        first.State!.UserId = "u-first";
        second.State!.UserId = "u-second";
        await grainStorage.WriteStateAsync("owner", id, first);
        await Assert.ThrowsAsync<InconsistentStateException>(() => grainStorage.WriteStateAsync("owner", id, second));
        Assert.Equal("u-first", await indexes.GetAsync(key));

        // Claims racing for a free entry all answer the one owner that was stored.
        var raced = key + "-raced";
        var owners = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => indexes.ClaimAsync(raced, $"u-{i}"))));
        var owner = Assert.Single(owners.Distinct());
        Assert.Equal(owner, await indexes.GetAsync(raced));

        // A release frees it for the next claimant, and only its owner's release does.
        await indexes.ReleaseAsync(raced, owner == "u-0" ? "u-1" : "u-0");
        Assert.Equal(owner, await indexes.GetAsync(raced));
        await indexes.ReleaseAsync(raced, owner);
        Assert.Null(await indexes.GetAsync(raced));
        Assert.Equal("u-next", await indexes.ClaimAsync(raced, "u-next"));
    }

    /// <summary>The server arguments that put its state in one storage, and what to clean up after.</summary>
    private sealed class StateArguments(string[] arguments, Func<ValueTask> cleanUp) : IAsyncDisposable
    {
        public string[] Arguments => arguments;

        public static async Task<StateArguments> ForAsync(string storage)
        {
            switch (storage)
            {
                case "postgres":
                    var database = await PostgresDatabase.CreateAsync();
                    return new(["--postgres", database.ConnectionString, "--migrate", "true",
                        "--key-encryption-key", Convert.ToBase64String(new byte[32]), .. ClusterCertificateFiles.ForTests.Arguments], database.DisposeAsync);
                case "sqlite":
                    var folder = Directory.CreateTempSubdirectory("tx-index-").FullName;
                    return new(["--data", folder], () =>
                    {
                        Directory.Delete(folder, recursive: true);
                        return ValueTask.CompletedTask;
                    });
                default:
                    return new(["--ephemeral", "true"], () => ValueTask.CompletedTask);
            }
        }

        public ValueTask DisposeAsync() => cleanUp();
    }
}
