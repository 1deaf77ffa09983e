using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using TokenExchange.Grains.Keys;
using TokenExchange.Server.Embedded;

namespace TokenExchange.Server.Tests.Embedded;

/// <summary>The --ephemeral grain storage: Orleans' contract (<see cref="GrainStorageContract"/>), and state that round trips as a copy.</summary>
public sealed class EphemeralGrainStorageTests : GrainStorageContract
{
    private readonly Dictionary<string, EphemeralGrainStorage> storages = [];

    [Fact]
    public async Task A_written_state_reads_back_as_a_copy_of_what_was_written()
    {
        var storage = Storage();
        var written = new GrainState<SigningKeyGrainState>(new SigningKeyGrainState { Version = 7 });
        await storage.WriteStateAsync("signing-keys", Grain, written);
        written.State!.Version = 8;
        var read = new GrainState<SigningKeyGrainState>();

        await storage.ReadStateAsync("signing-keys", Grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal(7, read.State!.Version);
        Assert.Equal(written.ETag, read.ETag);
        Assert.NotSame(written.State, read.State);
    }

    /// <summary>One storage per name, as the silo registers them: each keeps its own states.</summary>
    protected override IGrainStorage Storage(string name = "definitions")
    {
        if (!storages.TryGetValue(name, out var storage))
            storages[name] = storage = new(name, Services.GetRequiredService<Serializer>(), Services.GetRequiredService<IActivatorProvider>());
        return storage;
    }
}
