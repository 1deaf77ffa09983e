using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using TokenExchange.Definitions;

namespace TokenExchange.Abstractions.Tests.Serialization;

/// <summary>
/// An app's transaction token policy survives Orleans serialization, and an app without one writes the bytes it wrote
/// before the policy existed (the golden fixtures prove those; here, that the field is really left out).
/// </summary>
public sealed class TransactionTokenPolicySerializationTests
{
    private readonly Serializer serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public void A_policy_round_trips()
    {
        var app = new AppDefinition
        {
            ClientId = "edge-gateway",
            TransactionTokens = new TransactionTokenPolicy { Issue = true, Replace = true, Lifetime = TimeSpan.FromSeconds(30) },
        };

        var copy = serializer.Deserialize<AppDefinition>(serializer.SerializeToArray(app))!;

        Assert.Equal(app.TransactionTokens, copy.TransactionTokens);
    }

    [Fact]
    public void The_default_policy_writes_no_field_and_reads_back_as_the_default()
    {
        var without = new AppDefinition { ClientId = "orders" };
        var withPolicy = without with { TransactionTokens = new TransactionTokenPolicy { Issue = true } };

        var bytes = serializer.SerializeToArray(without);

        Assert.True(bytes.Length < serializer.SerializeToArray(withPolicy).Length);
        Assert.Equal(new TransactionTokenPolicy(), serializer.Deserialize<AppDefinition>(bytes)!.TransactionTokens);
    }

    [Fact]
    public void A_policy_of_only_the_lifetime_is_written()
    {
        var app = new AppDefinition { ClientId = "orders", TransactionTokens = new TransactionTokenPolicy { Lifetime = TimeSpan.FromSeconds(5) } };

        Assert.Equal(TimeSpan.FromSeconds(5), serializer.Deserialize<AppDefinition>(serializer.SerializeToArray(app))!.TransactionTokens.Lifetime);
    }
}
