using TokenExchange.Abstractions;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Sessions;
using TokenExchange.Tokens;
using static TokenExchange.Grains.Tests.TestDefinitions;

namespace TokenExchange.Grains.Tests.Sessions;

/// <summary>
/// A silo retries a subject-session call whose answer was lost (its silo died or left). Every operation
/// must be safe to repeat: the same request (the same request id, which only silos choose) starting a
/// refresh token family or redeeming a refresh token again yields one family and one rotation, never a
/// second family or a reuse revocation; a different request still gets reuse detection.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RepeatedCallTests(ClusterFixture cluster)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private static readonly RefreshTokenPolicy Policy = new() { Enabled = true, Lifetime = Lifetime };

    [Fact]
    public async Task An_exchange_repeated_with_its_request_id_starts_one_family_and_only_the_last_token_is_valid()
    {
        var (session, request) = Session("repeat-start");
        var started = request with { RequestId = Guid.NewGuid().ToString("N") };

        var lost = await session.ResolveUser(started);
        var repeated = await session.ResolveUser(started);

        Assert.NotEqual(lost.RefreshToken, repeated.RefreshToken);
        Assert.Equal(await FamilyOf(lost.RefreshToken!), await FamilyOf(repeated.RefreshToken!));
        Assert.False(await Active(session, lost.RefreshToken!));
        Assert.True(await Active(session, repeated.RefreshToken!));
    }

    [Fact]
    public async Task Exchanges_with_different_request_ids_start_a_family_each()
    {
        var (session, request) = Session("distinct-start");

        var first = await session.ResolveUser(request with { RequestId = Guid.NewGuid().ToString("N") });
        var second = await session.ResolveUser(request with { RequestId = Guid.NewGuid().ToString("N") });

        Assert.NotEqual(await FamilyOf(first.RefreshToken!), await FamilyOf(second.RefreshToken!));
        Assert.True(await Active(session, first.RefreshToken!));
        Assert.True(await Active(session, second.RefreshToken!));
    }

    [Fact]
    public async Task A_redemption_repeated_with_its_request_id_rotates_once_and_does_not_revoke_the_family()
    {
        var (session, request) = Session("repeat-redeem");
        var issued = (await session.ResolveUser(request with { RequestId = Guid.NewGuid().ToString("N") })).RefreshToken!;
        var family = await FamilyOf(issued);
        var redemption = Guid.NewGuid().ToString("N");

        var lost = await session.Redeem(family, OpaqueTokens.Hash(issued), Policy, [], redemption);
        var repeated = await session.Redeem(family, OpaqueTokens.Hash(issued), Policy, [], redemption);

        Assert.Null(lost.Error);
        Assert.True(repeated.Error is null, repeated.Error?.ToString());
        Assert.NotEqual(lost.Token, repeated.Token);
        Assert.False(await Active(session, lost.Token!));
        Assert.True(await Active(session, repeated.Token!));
        // The family lives on: the token the repeat delivered redeems as usual.
        var next = await session.Redeem(family, OpaqueTokens.Hash(repeated.Token!), Policy, [], Guid.NewGuid().ToString("N"));
        Assert.Null(next.Error);
    }

    [Fact]
    public async Task A_spent_token_presented_by_another_request_still_revokes_the_family()
    {
        var (session, request) = Session("reuse");
        var issued = (await session.ResolveUser(request with { RequestId = Guid.NewGuid().ToString("N") })).RefreshToken!;
        var family = await FamilyOf(issued);
        var rotated = await session.Redeem(family, OpaqueTokens.Hash(issued), Policy, [], Guid.NewGuid().ToString("N"));

        var replay = await session.Redeem(family, OpaqueTokens.Hash(issued), Policy, [], Guid.NewGuid().ToString("N"));

        Assert.Equal(OAuthErrorCodes.InvalidGrant, replay.Error?.Code);
        Assert.False(await Active(session, rotated.Token!));
    }

    private (ISubjectSessionGrain Session, SubjectUserRequest Request) Session(string prefix)
    {
        var subject = Unique(prefix);
        var session = cluster.Grains.GetGrain<ISubjectSessionGrain>(SubjectSessionKey.For(Partner, "https://idp.test", subject));
        return (session, new SubjectUserRequest
        {
            HandlerName = Partner,
            ClientId = Orders,
            AllowUserCreation = true,
            Subject = new ValidatedSubject { Subject = subject, Issuer = "https://idp.test", FederationId = subject, Claims = new Dictionary<string, string> { ["sub"] = subject } },
            Refresh = new RefreshGrant { ClientId = Orders, HandlerName = Partner, Scopes = ["api"] },
            RefreshLifetime = Lifetime,
        });
    }

    private async Task<string> FamilyOf(string token) =>
        (await cluster.Grains.GetGrain<ITokenHandleGrain>(OpaqueTokens.RefreshHandleKey(token)).Get())!.FamilyId;

    private async Task<bool> Active(ISubjectSessionGrain session, string token) =>
        await session.InspectRefreshToken(await FamilyOf(token), OpaqueTokens.Hash(token), Policy) is not null;
}
