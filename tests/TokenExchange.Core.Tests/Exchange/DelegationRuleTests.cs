using System.Text.Json;
using System.Text.Json.Nodes;
using TokenExchange.Exchange;
using TokenExchange.Sessions;

namespace TokenExchange.Core.Tests.Exchange;

/// <summary>
/// <see cref="Delegation"/>'s maximum depth at its boundary (RFC 8693 section 4.1: each hop nests the earlier
/// act), and the act carried on when no one acts (issue 18).
/// </summary>
public sealed class DelegationRuleTests
{
    private static ValidatedSubject Subject(Dictionary<string, string>? claims = null) =>
        new() { Subject = "alice", Issuer = "https://idp", Claims = claims ?? [] };

    private static ValidatedSubject Actor(string sub) => new() { Subject = sub, Issuer = "https://idp", Claims = ClaimSet.Empty };

    /// <summary>An act claim of <paramref name="hops"/> nested actors, hop-N outermost.</summary>
    private static string Chain(int hops)
    {
        JsonObject? act = null;
        for (var hop = 1; hop <= hops; hop++)
        {
            var next = new JsonObject { ["sub"] = $"hop-{hop}" };
            if (act is not null) next["act"] = act;
            act = next;
        }
        return act!.ToJsonString();
    }

    private static List<string> Actors(string act)
    {
        var actors = new List<string>();
        for (var node = JsonDocument.Parse(act).RootElement; ; node = node.GetProperty("act"))
        {
            actors.Add(node.GetProperty("sub").GetString()!);
            if (!node.TryGetProperty("act", out _)) return actors;
        }
    }

    [Fact]
    public void A_chain_of_the_maximum_depth_is_issued_whole()
    {
        var (act, error) = Delegation.Act(Subject(new() { ["act"] = Chain(Delegation.MaxDepth - 1) }), Actor("svc"));

        Assert.Null(error);
        Assert.Equal(["svc", "hop-4", "hop-3", "hop-2", "hop-1"], Actors(act!));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_chain_one_actor_over_the_maximum_is_refused(int over)
    {
        var (act, error) = Delegation.Act(Subject(new() { ["act"] = Chain(Delegation.MaxDepth - 1 + over) }), Actor("svc"));

        Assert.Null(act);
        Assert.Equal(OAuthErrorCodes.InvalidRequest, error?.Code);
        Assert.Equal($"delegation chains longer than {Delegation.MaxDepth} actors are not accepted", error?.Description);
    }

    [Fact]
    public void A_single_actor_is_the_whole_chain()
    {
        var (act, error) = Delegation.Act(Subject(), Actor("svc"));

        Assert.Null(error);
        Assert.Equal("svc", JsonDocument.Parse(act!).RootElement.GetProperty("sub").GetString());
        Assert.Equal("https://idp", JsonDocument.Parse(act!).RootElement.GetProperty("iss").GetString());
        Assert.Equal(["svc"], Actors(act!));
    }

    [Fact]
    public void Without_an_actor_the_subject_tokens_act_is_carried_on_unchanged()
    {
        var (act, error) = Delegation.Act(Subject(new() { ["act"] = Chain(2) }), actor: null);

        Assert.Null(error);
        Assert.Equal(["hop-2", "hop-1"], Actors(act!));
    }
}
