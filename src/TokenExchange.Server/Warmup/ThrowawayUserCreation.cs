using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Metadata;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using TokenExchange.Definitions;
using TokenExchange.Grains;
using TokenExchange.Grains.Sessions;
using TokenExchange.Grains.Users;
using TokenExchange.Handlers;
using TokenExchange.Server.Embedded;
using TokenExchange.Users;

namespace TokenExchange.Server.Warmup;

/// <summary>
/// A new subject's user creation, for the readiness warm-up (issue 15, warm start), over a storage of its own: the
/// resolver's creation of a mapped user, the directory, <see cref="UserCreation"/> with its index claims, and the
/// grain-state codecs of what a first exchange writes and a restarted silo's first exchanges read (the user, an index
/// entry, a session, a catalog bucket), each written and read back. A new silo's first load otherwise compiled all
/// of it then, on the request threads (the cold-start case's list of methods jitted after readiness). The storage is
/// this process's memory (<see cref="EphemeralGrainStorage"/>, Orleans' serializer as the embedded storages use it),
/// new each call and dropped after it, and the catalog lists nothing: nothing reaches the cluster's storage or grains.
/// </summary>
public sealed class ThrowawayUserCreation(Serializer serializer, IActivatorProvider activators, GrainTypeResolver types)
{
    private const string HandlerName = "warmup-creation";
    private const string StateName = "warmup";

    private readonly GrainType userType = types.GetGrainType(typeof(UserGrain));
    private readonly GrainType sessionType = types.GetGrainType(typeof(SubjectSessionGrain));
    private readonly GrainType catalogType = types.GetGrainType(typeof(UserCatalogGrain));

    /// <summary>Creates a made-up subject's user in a throwaway storage and reads back what it stored; returns that user.</summary>
    public async Task<UserRecord?> RunAsync()
    {
        var records = new GrainRecordStore(new EphemeralGrainStorage(StateName, serializer, activators), StateName, NullLogger<GrainRecordStore>.Instance);
        var indexes = new UserIndexStore(records, types);
        var directory = new GrainUserDirectory(NoGrains.Instance, indexes, new UserCreation(indexes, records, types, NoCatalog.Instance, NullLogger<UserCreation>.Instance));
        var subject = $"warmup-{Guid.NewGuid():N}";
        var identity = new ExternalIdentity(HandlerName, ExchangePathExercise.IdpIssuer, subject);
        var mapping = UserMappingResult.Create(new HandlerUserData(Username: subject, Email: $"{subject}@warmup.invalid", FederationId: subject));

        var created = await UserResolver.FromMappingAsync(directory, mapping, allowUserCreation: true, identity, watcher: subject);
        if (created.User is not { } user) throw new InvalidOperationException($"the warm-up's user creation was refused: {created.Error?.Description}");
        if (await directory.FindLinkedAsync(identity) != user.Id) throw new InvalidOperationException("the warm-up's user creation stored no link");
        var stored = await records.ReadAsync<UserState>(UserGrain.StoredStateName, GrainId.Create(userType, user.Id));
        await RoundTrip(records, GrainId.Create(sessionType, subject), new SubjectSessionState { UserId = user.Id, Linked = true });
        await RoundTrip(records, GrainId.Create(catalogType, subject), new UserCatalogState { UserIds = [user.Id] });
        return stored.State?.User;
    }

    private static async Task RoundTrip<T>(GrainRecordStore records, GrainId grain, T state) where T : new()
    {
        await records.WriteAsync(StateName, grain, new GrainState<T>(state));
        await records.ReadAsync<T>(StateName, grain);
    }

    /// <summary>
    /// The directory's grain factory: a new subject's creation calls no grain, and should a change ever make it call one,
    /// the call fails here instead of reaching the cluster's grains.
    /// </summary>
    public class NoGrains : DispatchProxy
    {
        public static readonly IGrainFactory Instance = Create<IGrainFactory, NoGrains>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException($"the warm-up's user creation called the cluster's grains ({targetMethod?.Name})");
    }

    /// <summary>
    /// A catalog that lists nothing (a bucket's write could not be taken back), answering later as a grain call does:
    /// the creation's awaits then suspend and resume as under load, whose code (the state machines' boxing and
    /// continuations) a storage in memory, answering at once, never reaches.
    /// </summary>
    private sealed class NoCatalog : IUserCatalog
    {
        public static readonly NoCatalog Instance = new();

        public async Task ListAsync(string userId) => await Task.Yield();
    }
}
