using System.Data.Common;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Storage;
using TokenExchange.Silo.Handlers;

namespace TokenExchange.Grains.Tests;

/// <summary>
/// The per-subject grains' storage calls without Orleans' [PersistentState] facet keep what the facet's error handling
/// meant to the rest of the cluster: a failed storage is a temporary failure not worth repeating, a stale write is a
/// second activation (repeated once membership settles), and neither leaks the state into the error.
/// </summary>
public sealed class GrainRecordStoreTests
{
    private static readonly GrainId Grain = GrainId.Create("session", "handler/issuer/subject");

    [Fact]
    public async Task A_storage_that_fails_is_reported_as_a_storage_failure_the_client_may_retry_later()
    {
        var store = new GrainRecordStore(new ScriptedStorage { Failure = new UnreachableDatabase() }, "sessions", NullLogger<GrainRecordStore>.Instance);
        var record = new GrainState<Note>(new Note { Text = "secret-state" });

        foreach (var operation in new Func<Task>[] { () => store.ReadAsync("session", Grain, record), () => store.WriteAsync("session", Grain, record), () => store.ClearAsync("session", Grain, record) })
        {
            var e = await Assert.ThrowsAsync<OrleansException>(operation);
            Assert.StartsWith("Error from storage provider sessions.session during ", e.Message, StringComparison.Ordinal);
            Assert.IsType<UnreachableDatabase>(e.InnerException);
            Assert.DoesNotContain("secret-state", e.Message, StringComparison.Ordinal);
            Assert.False(OrleansFailures.IsSiloGone(e));
            Assert.Equal("temporarily_unavailable", OrleansFailures.ToOAuthError(e).Code);
        }
    }

    [Fact]
    public async Task A_failure_that_is_not_storage_unavailability_stays_a_server_error()
    {
        var store = new GrainRecordStore(new ScriptedStorage { Failure = new InvalidDataException("cannot deserialize") }, "sessions", NullLogger<GrainRecordStore>.Instance);

        var e = await Assert.ThrowsAsync<OrleansException>(() => store.ReadAsync("session", Grain, new GrainState<Note>(new Note())));

        Assert.Equal("server_error", OrleansFailures.ToOAuthError(e).Code);
    }

    [Fact]
    public async Task A_stale_write_passes_as_orleans_reports_it_so_the_call_is_repeated_on_the_grain_that_won()
    {
        var stale = new InconsistentStateException("stale etag", "1", "2");
        var store = new GrainRecordStore(new ScriptedStorage { Failure = stale }, "sessions", NullLogger<GrainRecordStore>.Instance);

        var e = await Assert.ThrowsAsync<InconsistentStateException>(() => store.WriteAsync("session", Grain, new GrainState<Note>(new Note())));

        Assert.Same(stale, e);
        Assert.True(OrleansFailures.IsSiloGone(e));
    }

    [Fact]
    public async Task Reads_writes_and_clears_reach_the_storage_under_the_state_name_and_grain_id()
    {
        var storage = new ScriptedStorage();
        var store = new GrainRecordStore(storage, "sessions", NullLogger<GrainRecordStore>.Instance);
        var record = new GrainState<Note>(new Note { Text = "kept" });

        await store.WriteAsync("session", Grain, record);
        var read = new GrainState<Note>(new Note());
        await store.ReadAsync("session", Grain, read);
        await store.ClearAsync("session", Grain, read);

        Assert.Equal(["write session " + Grain, "read session " + Grain, "clear session " + Grain], storage.Calls);
        Assert.Equal("kept", read.State!.Text);
    }

    public sealed class Note
    {
        public string? Text { get; set; }
    }

    private sealed class UnreachableDatabase() : DbException("connection refused");

    /// <summary>Keeps one record in memory, or fails every call with <see cref="Failure"/>.</summary>
    private sealed class ScriptedStorage : IGrainStorage
    {
        public Exception? Failure { get; init; }
        public List<string> Calls { get; } = [];
        private object? stored;

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Calls.Add($"read {stateName} {grainId}");
            if (Failure is not null) return Task.FromException(Failure);
            if (stored is T state) grainState.State = state;
            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Calls.Add($"write {stateName} {grainId}");
            if (Failure is not null) return Task.FromException(Failure);
            stored = grainState.State;
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Calls.Add($"clear {stateName} {grainId}");
            if (Failure is not null) return Task.FromException(Failure);
            stored = null;
            return Task.CompletedTask;
        }
    }
}
