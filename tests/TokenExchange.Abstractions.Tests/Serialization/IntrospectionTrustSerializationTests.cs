using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using TokenExchange.Definitions;
using TokenExchange.Exchange;

namespace TokenExchange.Abstractions.Tests.Serialization;

/// <summary>An introspection handler's definition survives Orleans serialization whole, our IdP credential included.</summary>
public sealed class IntrospectionTrustSerializationTests
{
    private readonly Serializer serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public void An_introspection_handler_definition_round_trips()
    {
        var handler = new HandlerDefinition
        {
            Name = "opaque-idp",
            Implementation = HandlerImplementations.Introspection,
            AcceptedTokenTypes = [TokenTypes.AccessToken],
            Introspection = new IntrospectionTrust
            {
                Endpoint = "https://idp.example/introspect",
                ClientId = "token-exchange",
                ClientSecret = "our-secret-at-the-idp",
                Issuer = "https://idp.example",
                NegativeCacheFor = TimeSpan.FromSeconds(2),
                MaxCacheFor = TimeSpan.FromMinutes(1),
                MaxCacheEntries = 10,
            },
        };

        var copy = serializer.Deserialize<HandlerDefinition>(serializer.SerializeToArray(handler))!;

        Assert.Equal(handler.Introspection, copy.Introspection);
        Assert.True(copy.IsIntrospection);
        Assert.False(copy.IsPlugin);
    }
}
