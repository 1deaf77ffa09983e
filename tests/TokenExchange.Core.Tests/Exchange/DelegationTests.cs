using System.Text.Json;
using TokenExchange.Exchange;
using TokenExchange.Sessions;

namespace TokenExchange.Core.Tests.Exchange;

public sealed class DelegationTests
{
    private static ValidatedSubject Subject(Dictionary<string, string>? claims = null) =>
        new() { Subject = "alice", Issuer = "https://idp", Claims = claims ?? [] };

    private static ValidatedSubject Actor(string sub, string iss = "https://idp") => new() { Subject = sub, Issuer = iss, Claims = ClaimSet.Empty };

    [Fact]
    public void No_actor_and_no_act_issue_no_act() => Assert.Equal((null, null), Delegation.Act(Subject(), null));

    [Fact]
    public void The_actor_becomes_the_current_actor_over_earlier_ones()
    {
        var (act, error) = Delegation.Act(Subject(new() { ["act"] = "{\"sub\":\"hop-1\"}" }), Actor("hop-2"));

        Assert.Null(error);
        var json = JsonDocument.Parse(act!).RootElement;
        Assert.Equal("hop-2", json.GetProperty("sub").GetString());
        Assert.Equal("hop-1", json.GetProperty("act").GetProperty("sub").GetString());
    }

    [Theory]
    [InlineData("{\"sub\":\"svc\"}", "svc", "https://idp", true)]
    [InlineData("{\"sub\":\"svc\",\"iss\":\"https://idp\"}", "svc", "https://idp", true)]
    [InlineData("{\"sub\":\"svc\",\"iss\":\"https://other\"}", "svc", "https://idp", false)]
    [InlineData("{\"sub\":\"other\"}", "svc", "https://idp", false)]
    [InlineData("{\"sub\":42}", "42", "https://idp", false)]
    public void May_act_admits_only_the_actor_it_names(string mayAct, string actorSub, string actorIss, bool allowed)
    {
        var (_, error) = Delegation.Act(Subject(new() { ["may_act"] = mayAct }), Actor(actorSub, actorIss));

        Assert.Equal(allowed, error is null);
    }

    [Theory]
    [InlineData("act", "not json")]
    [InlineData("act", "[1,2]")]
    [InlineData("may_act", "\"svc\"")]
    public void Malformed_delegation_claims_are_refused(string claim, string value) =>
        Assert.Equal(OAuthErrorCodes.InvalidRequest, Delegation.Act(Subject(new() { [claim] = value }), Actor("svc")).Error?.Code);
}
