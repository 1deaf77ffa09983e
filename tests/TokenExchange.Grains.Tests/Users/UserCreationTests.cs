using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Metadata;
using Orleans.Storage;
using TokenExchange.Abstractions;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Grains.Users;
using TokenExchange.Handlers;
using TokenExchange.Sessions;
using static TokenExchange.Grains.Tests.TestDefinitions;

namespace TokenExchange.Grains.Tests.Users;

/// <summary>
/// A user created by a subject's first exchange: its link and attribute index entries are claimed and the user is stored
/// with its link and the session as its watcher, in storage, without its grain; the indexes stay unique; a session of an
/// earlier version that asks the user grain to create the user still gets it created.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class UserCreationTests(ClusterFixture cluster)
{
    private GrainUserDirectory Directory => cluster.Service<GrainUserDirectory>(0);

    [Fact]
    public async Task A_new_subjects_first_exchange_calls_no_grain_but_its_session_and_its_users_catalog_bucket()
    {
        var subject = Unique("first");
        var sessionKey = SubjectSessionKey.For(Partner, Idp.Issuer, subject);

        var listening = RecordedCalls.Listen();
        var outcome = await cluster.ExchangeAsync(0, Request(Orders, subject));
        listening.Dispose();
        var calls = listening.Calls;

        var userId = outcome.UserId!;
        var linkKey = UserIndexKey.ForLink(new ExternalIdentity(Partner, Idp.Issuer, subject));
        var mine = calls.Where(c => c.Key == sessionKey || c.Key == linkKey || c.Key == UserIndexKey.For(UserField.FederationId, subject) || c.Key == userId || c.Key == IUserCatalogGrain.KeyFor(userId))
            .Select(c => $"{Short(c.Interface)}.{c.Method} {(c.Key == linkKey ? "link" : c.Key == userId ? "user" : c.Key == sessionKey ? "session" : c.Key.StartsWith("users/", StringComparison.Ordinal) ? "catalog" : "federationId")}")
            .Order(StringComparer.Ordinal);
        // The session, and the catalog bucket that lists the user. The link (none yet) and the federation id the
        // handler may link by (none) are read in storage, the link is claimed there, and the user is stored there with
        // its link and the session as its watcher: no index grain and no user grain is activated.
        Assert.Equal(
            [
                "ISubjectSessionGrain.ResolveUser session",
                "IUserCatalogGrain.Add catalog",
            ], mine);
        Assert.DoesNotContain(calls, c => c.Interface.EndsWith(nameof(IUserIndexGrain), StringComparison.Ordinal) || c.Interface.EndsWith(nameof(IUserGrain), StringComparison.Ordinal));
        Assert.Equal(userId, await Directory.FindLinkedAsync(new ExternalIdentity(Partner, Idp.Issuer, subject)));
        var user = cluster.Grains.GetGrain<IUserGrain>(userId);
        Assert.Equal([sessionKey], await user.GetSessions());
        Assert.Equal([new ExternalIdentity(Partner, Idp.Issuer, subject)], await user.GetLinks());
        Assert.Equal(Partner, await user.GetCreatedBy());
        Assert.Contains(userId, await cluster.Grains.GetGrain<IUserCatalogGrain>(IUserCatalogGrain.KeyFor(userId)).List(null, int.MaxValue));
    }

    [Fact]
    public async Task A_user_created_by_a_first_exchange_hears_of_its_changes()
    {
        var subject = Unique("heard");
        var first = await cluster.ExchangeAsync(0, Request(Orders, subject));
        var user = (await Directory.GetAsync(first.UserId!))!;

        Assert.Null(await Directory.PutAsync(user with { Enabled = false }));

        // The session was registered by the creation itself: the disable reaches it without a re-read.
        await Testing.Poll.UntilAsync(async () => (await cluster.ExchangeAsync(1, Request(Orders, subject))).Error?.Code == OAuthErrorCodes.InvalidGrant,
            TimeSpan.FromSeconds(5), "the disabled user refused");
    }

    [Fact]
    public async Task Creating_for_a_subject_with_a_taken_email_stores_nothing_and_leaves_nothing_claimed()
    {
        var email = Unique("taken") + "@example.com";
        Assert.Null(await Directory.PutAsync(new UserRecord { Id = Unique("u-owner"), Email = email }));
        var late = new UserRecord { Id = Unique("u-late"), FederationId = Unique("fed"), Username = Unique("name"), Email = email.ToUpperInvariant() };
        var link = new ExternalIdentity(Partner, Idp.Issuer, Unique("sub"));

        var conflict = await cluster.Grains.GetGrain<IUserGrain>(late.Id).CreateForSubject(late, link, "session-key");

        Assert.Equal("Email is already used by another user", conflict);
        Assert.Null(await Directory.GetAsync(late.Id));
        Assert.Null(await Directory.FindLinkedAsync(link));
        Assert.Null(await Directory.FindIdAsync(UserField.FederationId, late.FederationId!));
        Assert.Null(await Directory.FindIdAsync(UserField.Username, late.Username!));
        Assert.Empty(await cluster.Grains.GetGrain<IUserGrain>(late.Id).GetSessions());
    }

    [Fact]
    public async Task Creating_for_an_identity_linked_to_another_user_stores_nothing()
    {
        var owner = new UserRecord { Id = Unique("u-linked") };
        Assert.Null(await Directory.PutAsync(owner));
        var link = new ExternalIdentity(Partner, Idp.Issuer, Unique("sub"));
        Assert.Null(await Directory.LinkAsync(owner.Id, link, onePerHandler: true));
        var other = new UserRecord { Id = Unique("u-other"), FederationId = Unique("fed") };

        var conflict = await cluster.Grains.GetGrain<IUserGrain>(other.Id).CreateForSubject(other, link, "session-key");

        Assert.Equal("the identity is linked to another user", conflict);
        Assert.Null(await Directory.GetAsync(other.Id));
        Assert.Equal(owner.Id, await Directory.FindLinkedAsync(link));
        Assert.Null(await Directory.FindIdAsync(UserField.FederationId, other.FederationId!));
    }

    [Fact]
    public async Task Creating_for_a_subject_over_an_existing_user_keeps_that_users_indexes()
    {
        var existing = new UserRecord { Id = Unique("u-existing"), FederationId = Unique("fed") };
        Assert.Null(await Directory.PutAsync(existing));
        var link = new ExternalIdentity(Partner, Idp.Issuer, Unique("sub"));

        var conflict = await cluster.Grains.GetGrain<IUserGrain>(existing.Id).CreateForSubject(existing with { DisplayName = "Other" }, link, "session-key");

        Assert.Equal($"user id {existing.Id} exists already", conflict);
        Assert.Equal(existing, await Directory.GetAsync(existing.Id));
        Assert.Equal(existing.Id, await Directory.FindIdAsync(UserField.FederationId, existing.FederationId!));
        Assert.Null(await Directory.FindLinkedAsync(link));
    }

    [Fact]
    public async Task Subjects_racing_for_one_email_get_one_user_with_it()
    {
        var email = Unique("race") + "@example.com";
        var racers = Enumerable.Range(0, 6).Select(i => (
            User: new UserRecord { Id = Unique($"u-racer{i}"), Email = i % 2 == 0 ? email : email.ToUpperInvariant(), Username = Unique($"racer{i}") },
            Link: new ExternalIdentity(Partner, Idp.Issuer, Unique($"racer{i}")))).ToArray();

        var outcomes = await Task.WhenAll(racers.Select(r => Directory.CreateAsync(r.User, r.Link, watcher: SubjectSessionKey.For(Partner, Idp.Issuer, r.Link.Subject))));

        var winner = Assert.Single(outcomes, o => o.User is not null).User!;
        Assert.Equal(winner.Id, await Directory.FindIdAsync(UserField.Email, email));
        foreach (var (user, link) in racers.Where(r => r.User.Id != winner.Id))
        {
            Assert.Null(await Directory.GetAsync(user.Id));
            Assert.Null(await Directory.FindLinkedAsync(link));
            Assert.Null(await Directory.FindIdAsync(UserField.Username, user.Username!));
        }
    }

    [Fact]
    public async Task A_session_of_an_earlier_version_still_has_the_user_grain_create_the_user_and_the_grain_answers_what_was_stored()
    {
        var subject = Unique("earlier-session");
        var link = new ExternalIdentity(Partner, Idp.Issuer, subject);
        var sessionKey = SubjectSessionKey.For(Partner, Idp.Issuer, subject);
        var user = new UserRecord { Id = Unique("u-earlier"), FederationId = Unique("fed") };
        var grain = cluster.Grains.GetGrain<IUserGrain>(user.Id);

        Assert.Null(await grain.CreateForSubject(user, link, sessionKey));

        // The grain answers what was stored without it (the activation that created the user has left).
        Assert.Equal(user, await grain.Get());
        Assert.Equal([sessionKey], await grain.GetSessions());
        Assert.Equal([link], await grain.GetLinks());
        Assert.Equal(Partner, await grain.GetCreatedBy());
        Assert.Equal(user.Id, await Directory.FindLinkedAsync(link));
        Assert.Equal(user.Id, await Directory.FindIdAsync(UserField.FederationId, user.FederationId!));
        Assert.Contains(user.Id, await cluster.Grains.GetGrain<IUserCatalogGrain>(IUserCatalogGrain.KeyFor(user.Id)).List(null, int.MaxValue));
        Assert.Equal($"user id {user.Id} exists already", await grain.CreateForSubject(user, link, sessionKey));
    }

    [Fact]
    public async Task A_directory_of_an_earlier_version_creating_step_by_step_still_stores_the_user_with_its_link()
    {
        var user = new UserRecord { Id = Unique("u-stepwise") };
        var link = new ExternalIdentity(Partner, Idp.Issuer, Unique("stepwise"));
        var grain = cluster.Grains.GetGrain<IUserGrain>(user.Id);

        Assert.True(await grain.CreateLinked(user, link));

        Assert.False(await grain.CreateLinked(user with { DisplayName = "Other" }, link));
        // Stored, not only held by the activation: this version's creation reads the record in storage.
        Assert.Equal((null, $"user id {user.Id} exists already"), await Directory.CreateAsync(user, new ExternalIdentity(Partner, Idp.Issuer, Unique("other")), "session-key"));
        Assert.Equal(user, await grain.Get());
        Assert.Equal([link], await grain.GetLinks());
        Assert.Equal(Partner, await grain.GetCreatedBy());
    }

    [Fact]
    public async Task A_creation_whose_user_cannot_be_stored_releases_its_claims_so_the_subjects_next_exchange_starts_afresh()
    {
        var link = new ExternalIdentity(Partner, Idp.Issuer, Unique("unstored"));
        var email = Unique("unstored") + "@example.com";
        var failing = new UserCreation(cluster.Service<UserIndexStore>(0),
            new GrainRecordStore(new UnwritableStorage(), StorageNames.Definitions, NullLogger<GrainRecordStore>.Instance),
            cluster.Silos[0].GetRequiredService<GrainTypeResolver>(), new GrainUserCatalog(cluster.Grains), NullLogger<UserCreation>.Instance);

        await Assert.ThrowsAsync<OrleansException>(() => failing.CreateAsync(new UserRecord { Id = Unique("u-unstored"), Email = email }, link, "session-key"));

        Assert.Null(await Directory.FindLinkedAsync(link));
        Assert.Null(await Directory.FindIdAsync(UserField.Email, email));
        var retried = new UserRecord { Id = Unique("u-retried"), Email = email };
        Assert.Equal((retried, null), await Directory.CreateAsync(retried, link, "session-key"));
        Assert.Equal(retried.Id, await Directory.FindLinkedAsync(link));
    }

    [Fact]
    public async Task A_creation_whose_write_was_stored_though_reported_as_failed_keeps_the_users_claims()
    {
        var link = new ExternalIdentity(Partner, Idp.Issuer, Unique("stored-anyway"));
        var user = new UserRecord { Id = Unique("u-stored-anyway"), Email = Unique("stored-anyway") + "@example.com" };
        var storage = new StoredThenFailingStorage();
        var creation = new UserCreation(cluster.Service<UserIndexStore>(0),
            new GrainRecordStore(storage, StorageNames.Definitions, NullLogger<GrainRecordStore>.Instance),
            cluster.Silos[0].GetRequiredService<GrainTypeResolver>(), new GrainUserCatalog(cluster.Grains), NullLogger<UserCreation>.Instance);

        await Assert.ThrowsAsync<OrleansException>(() => creation.CreateAsync(user, link, "session-key"));

        // The user is stored, so it keeps its entries: a user is never stored without them.
        Assert.True(storage.Stored);
        Assert.Equal(user.Id, await Directory.FindLinkedAsync(link));
        Assert.Equal(user.Id, await Directory.FindIdAsync(UserField.Email, user.Email!));
    }

    [Fact]
    public async Task A_creation_whose_catalog_cannot_list_the_user_stores_nothing_and_releases_its_claims()
    {
        var link = new ExternalIdentity(Partner, Idp.Issuer, Unique("unlisted"));
        var user = new UserRecord { Id = Unique("u-unlisted"), Email = Unique("unlisted") + "@example.com" };
        var creation = new UserCreation(cluster.Service<UserIndexStore>(0), cluster.Silos[0].GetRequiredKeyedService<GrainRecordStore>(StorageNames.Definitions),
            cluster.Silos[0].GetRequiredService<GrainTypeResolver>(), new UnreachableCatalog(), NullLogger<UserCreation>.Instance);

        await Assert.ThrowsAsync<TimeoutException>(() => creation.CreateAsync(user, link, "session-key"));

        // Listed before stored: a user the catalog could not list is not stored, and its claims are free again.
        Assert.Null(await Directory.GetAsync(user.Id));
        Assert.Null(await Directory.FindLinkedAsync(link));
        Assert.Null(await Directory.FindIdAsync(UserField.Email, user.Email!));
    }

    /// <summary>A catalog whose bucket does not answer.</summary>
    private sealed class UnreachableCatalog : IUserCatalog
    {
        public Task ListAsync(string userId) => throw new TimeoutException("the catalog bucket did not answer");
    }

    /// <summary>A storage that stores the user's record and then reports a failure (a timeout after the commit).</summary>
    private sealed class StoredThenFailingStorage : IGrainStorage
    {
        private object? state;

        public bool Stored => state is not null;

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            grainState.State = state is T found ? found : Activator.CreateInstance<T>();
            grainState.ETag = state is null ? null : "1";
            grainState.RecordExists = state is not null;
            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            state = grainState.State;
            throw new TimeoutException("the command timed out after it was committed");
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new NotSupportedException();
    }

    /// <summary>A storage that finds nothing and cannot write (as a database that fails mid-creation).</summary>
    private sealed class UnwritableStorage : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new IOException("the disk is full");

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new IOException("the disk is full");
    }

    private static string Short(string interfaceName) => interfaceName[(interfaceName.LastIndexOf('.') + 1)..];
}
