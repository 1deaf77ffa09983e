using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using TokenExchange.Definitions;

namespace TokenExchange.Abstractions.Tests.Serialization;

/// <summary>
/// An app's client assertion settings (private_key_jwt keys, federated credentials) survive Orleans serialization, with
/// or without a transaction token policy before them, and an app without them writes the bytes it wrote before (the
/// golden fixtures prove those; here, that the field is really left out).
/// </summary>
public sealed class ClientAssertionPolicySerializationTests
{
    private readonly Serializer serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static readonly ClientAssertionPolicy Policy = new()
    {
        JwksUri = "https://keys.example/orders.json",
        FederatedCredentials =
        [
            new FederatedCredential { Issuer = "https://kubernetes.default.svc.cluster.local", Subject = "system:serviceaccount:shop:orders", Audience = "token-exchange", OneTimeUse = true },
            new FederatedCredential { Issuer = "https://spire.example", Subject = "spiffe://example.org/orders", JwksUri = "https://spire.example/keys" },
        ],
    };

    private AppDefinition RoundTrip(AppDefinition app) => serializer.Deserialize<AppDefinition>(serializer.SerializeToArray(app))!;

    private static void AssertSame(ClientAssertionPolicy expected, ClientAssertionPolicy? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Jwks, actual.Jwks);
        Assert.Equal(expected.JwksUri, actual.JwksUri);
        Assert.Equal(expected.FederatedCredentials, actual.FederatedCredentials);
    }

    [Fact]
    public void A_policy_round_trips_without_a_transaction_token_policy()
    {
        var copy = RoundTrip(new AppDefinition { ClientId = "orders", TokenEndpointAuthMethod = "private_key_jwt", ClientAssertions = Policy, RateLimits = new RateLimitPolicy { RequestsPerSecond = 7 } });

        AssertSame(Policy, copy.ClientAssertions);
        Assert.Equal(new TransactionTokenPolicy(), copy.TransactionTokens);
        Assert.Equal(7, copy.RateLimits.RequestsPerSecond);
        Assert.Equal("private_key_jwt", copy.TokenEndpointAuthMethod);
    }

    [Fact]
    public void A_policy_round_trips_beside_a_transaction_token_policy()
    {
        var transactionTokens = new TransactionTokenPolicy { Issue = true, Lifetime = TimeSpan.FromSeconds(30) };
        var inline = Policy with { JwksUri = null, Jwks = """{"keys":[{"kty":"EC","crv":"P-256","x":"x","y":"y"}]}""" };

        var copy = RoundTrip(new AppDefinition { ClientId = "orders", ClientAssertions = inline, TransactionTokens = transactionTokens });

        AssertSame(inline, copy.ClientAssertions);
        Assert.Equal(transactionTokens, copy.TransactionTokens);
    }

    [Fact]
    public void An_app_without_client_assertions_writes_no_field_and_reads_back_without_them()
    {
        var without = new AppDefinition { ClientId = "orders", TransactionTokens = new TransactionTokenPolicy { Issue = true } };

        var bytes = serializer.SerializeToArray(without);

        Assert.True(bytes.Length < serializer.SerializeToArray(without with { ClientAssertions = new ClientAssertionPolicy() }).Length);
        Assert.Null(serializer.Deserialize<AppDefinition>(bytes)!.ClientAssertions);
    }

    [Fact]
    public void An_app_without_either_policy_writes_the_same_bytes_as_before_both()
    {
        var app = new AppDefinition { ClientId = "orders" };
        var withEmptyTransactionTokens = serializer.SerializeToArray(app with { ClientAssertions = new ClientAssertionPolicy() });

        // With client assertions the (default) transaction token policy is written too, so the ids stay in step.
        Assert.True(serializer.SerializeToArray(app).Length < withEmptyTransactionTokens.Length);
        Assert.Equal(new TransactionTokenPolicy(), serializer.Deserialize<AppDefinition>(withEmptyTransactionTokens)!.TransactionTokens);
    }
}
