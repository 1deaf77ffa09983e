using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using TokenExchange.Definitions;

namespace TokenExchange.Abstractions.Tests.Serialization;

/// <summary>
/// An app that requires DPoP keeps the requirement through Orleans serialization (grain state, the definition
/// registry's messages); a policy without it writes the bytes it always did (the golden fixtures prove that).
/// </summary>
public sealed class DpopSerializationTests
{
    private readonly Serializer serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private T RoundTrip<T>(T value) => serializer.Deserialize<T>(serializer.SerializeToArray(value))!;

    [Fact]
    public void The_DPoP_requirement_round_trips_with_the_rest_of_the_policy()
    {
        var app = new AppDefinition
        {
            ClientId = "orders",
            AccessToken = new AccessTokenPolicy { Format = AccessTokenFormats.Opaque, Lifetime = TimeSpan.FromMinutes(2), MayOutliveSubjectToken = true, RequireDpop = true },
        };

        var copy = RoundTrip(app);

        Assert.True(copy.RequireDpop);
        Assert.Equal(app.AccessToken, copy.AccessToken);
    }

    [Fact]
    public void The_DPoP_nonce_requirement_round_trips_alone_and_with_the_DPoP_requirement()
    {
        Assert.True(RoundTrip(new AccessTokenPolicy { RequireDpopNonce = true }).RequireDpopNonce);
        Assert.False(RoundTrip(new AccessTokenPolicy { RequireDpopNonce = true }).RequireDpop);
        var both = RoundTrip(new AccessTokenPolicy { RequireDpop = true, RequireDpopNonce = true, Lifetime = TimeSpan.FromMinutes(1) });
        Assert.Equal(new AccessTokenPolicy { RequireDpop = true, RequireDpopNonce = true, Lifetime = TimeSpan.FromMinutes(1) }, both);
    }

    [Fact]
    public void A_policy_without_it_reads_back_without_it()
    {
        var copy = RoundTrip(new AccessTokenPolicy { Lifetime = TimeSpan.FromMinutes(3) });

        Assert.False(copy.RequireDpop);
        Assert.Equal(TimeSpan.FromMinutes(3), copy.Lifetime);
        Assert.False(copy.MayOutliveSubjectToken);
        Assert.Equal(AccessTokenFormats.Jwt, copy.Format);
    }
}
