using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace TokenExchange.Server.Tests.EndToEnd;

/// <summary>RFC 8693 delegation over the wire: the act claim, nested for multi-hop chains, and may_act.</summary>
[Collection(ServerCollection.Name)]
public sealed class DelegationTests(ServerFixture fixture) : IDisposable
{
    private readonly Clients clients = new(fixture);

    [Fact]
    public async Task An_actor_token_puts_the_actor_in_the_act_claim()
    {
        var request = Requests.Orders(fixture);
        request.ActorToken = fixture.Idp.Token("service-a");
        request.ActorTokenType = Clients.JwtType;

        var act = Act(await clients.Grpc.ExchangeAsync(request));

        Assert.Equal("service-a", act.GetProperty("sub").GetString());
        Assert.Equal(fixture.Idp.Issuer, act.GetProperty("iss").GetString());
        Assert.False(act.TryGetProperty("act", out _));
    }

    [Fact]
    public async Task A_three_hop_chain_nests_the_earlier_actors()
    {
        var earlier = new Dictionary<string, object> { ["sub"] = "hop-1", ["act"] = new Dictionary<string, object> { ["sub"] = "hop-0" } };
        var request = Requests.Orders(fixture, fixture.Idp.Token("alice-ext-1", claims: new Dictionary<string, object> { ["act"] = earlier }));
        request.ActorToken = fixture.Idp.Token("hop-2");
        request.ActorTokenType = Clients.JwtType;

        var act = Act(await clients.Grpc.ExchangeAsync(request));

        Assert.Equal("hop-2", act.GetProperty("sub").GetString());
        Assert.Equal("hop-1", act.GetProperty("act").GetProperty("sub").GetString());
        Assert.Equal("hop-0", act.GetProperty("act").GetProperty("act").GetProperty("sub").GetString());
    }

    [Fact]
    public async Task A_subject_tokens_act_is_never_dropped()
    {
        var request = Requests.Orders(fixture, fixture.Idp.Token("alice-ext-1", claims: new Dictionary<string, object> { ["act"] = new Dictionary<string, object> { ["sub"] = "gateway" } }));

        var act = Act(await clients.Grpc.ExchangeAsync(request));

        Assert.Equal("gateway", act.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task An_actor_named_by_may_act_may_act()
    {
        var mayAct = new Dictionary<string, object> { ["sub"] = "service-b", ["iss"] = fixture.Idp.Issuer };
        var request = Requests.Orders(fixture, fixture.Idp.Token("alice-ext-1", claims: new Dictionary<string, object> { ["may_act"] = mayAct }));
        request.ActorToken = fixture.Idp.Token("service-b");
        request.ActorTokenType = Clients.JwtType;

        Assert.Equal("service-b", Act(await clients.Grpc.ExchangeAsync(request)).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task A_chain_deeper_than_the_limit_is_refused()
    {
        object chain = new Dictionary<string, object> { ["sub"] = "hop-0" };
        for (var i = 1; i < 5; i++) chain = new Dictionary<string, object> { ["sub"] = $"hop-{i}", ["act"] = chain };
        var request = Requests.Orders(fixture, fixture.Idp.Token("alice-ext-1", claims: new Dictionary<string, object> { ["act"] = chain }));
        request.ActorToken = fixture.Idp.Token("hop-5");
        request.ActorTokenType = Clients.JwtType;

        var (_, code, message) = await clients.GrpcFailure(request);

        Assert.Equal("invalid_request", code);
        Assert.Contains("delegation chains", message);
    }

    private static JsonElement Act(Protos.V1.ExchangeResponse response) =>
        JsonDocument.Parse(new JsonWebToken(response.AccessToken).GetClaim("act").Value).RootElement;

    public void Dispose() => clients.Dispose();
}
