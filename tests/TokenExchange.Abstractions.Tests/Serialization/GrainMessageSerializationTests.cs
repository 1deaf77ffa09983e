using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Handlers;
using TokenExchange.Sessions;

namespace TokenExchange.Abstractions.Tests.Serialization;

/// <summary>The records that cross grain boundaries survive Orleans serialization whole.</summary>
public sealed class GrainMessageSerializationTests
{
    private readonly Serializer serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public void An_authorized_exchange_round_trips()
    {
        var exchange = new AuthorizedExchange
        {
            App = new AppDefinition
            {
                ClientId = "orders-service",
                SecretHashes = ["sha256:abc"],
                TokenExchangeEnabled = true,
                AllowedScopes = ["api", "openid"],
                AllowedAudiences = ["https://orders.example"],
                AccessToken = new AccessTokenPolicy { Lifetime = TimeSpan.FromMinutes(7), MayOutliveSubjectToken = true },
            },
            Enablement = new HandlerAppEnablement { ClientId = "orders-service", Default = true, AllowUserCreation = true, RunAs = "ops" },
            HandlerName = "partner-idp",
            SubjectToken = "a.b.c",
            SubjectTokenType = TokenTypes.Jwt,
            RequestedTokenType = TokenTypes.AccessToken,
            Scopes = ["api"],
            Audiences = ["https://orders.example"],
        };

        var copy = RoundTrip(exchange);

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(exchange), System.Text.Json.JsonSerializer.Serialize(copy));
    }

    [Theory]
    [InlineData("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")]
    [InlineData(null)]
    public void An_active_refresh_token_round_trips_with_its_binding_or_none(string? thumbprint)
    {
        var active = new ActiveRefreshToken(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero), thumbprint);

        Assert.Equal(active, RoundTrip(active));
    }

    [Fact]
    public void A_handler_definition_round_trips()
    {
        var handler = new HandlerDefinition
        {
            Name = "partner-idp",
            AcceptedTokenTypes = [TokenTypes.Jwt],
            Trust = new JwtTrust { Issuer = "https://idp.example", JwksUri = "https://idp.example/jwks", Audiences = ["tx"], JwksRefreshCooldown = TimeSpan.FromSeconds(3) },
            UserMapping = new UserMappingRule { Claim = "email", Attribute = UserField.Email },
            Enablements = [new HandlerAppEnablement { ClientId = "orders-service" }],
        };

        var copy = RoundTrip(handler);

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(handler), System.Text.Json.JsonSerializer.Serialize(copy));
    }

    [Fact]
    public void Outcomes_and_resolutions_round_trip()
    {
        var failure = RoundTrip(ExchangeOutcome.Failure(new OAuthError(OAuthErrorCodes.InvalidGrant, "no user", "reason")));
        var success = RoundTrip(ExchangeOutcome.Success(new IssuedTokens { AccessToken = "t", IssuedTokenType = TokenTypes.AccessToken, TokenType = "Bearer", ExpiresIn = 300 }, "u-1"));
        var resolution = RoundTrip(new UserResolution(new UserRecord { Id = "u-1", Enabled = false }, null, Created: true));

        Assert.Equal(new OAuthError(OAuthErrorCodes.InvalidGrant, "no user", "reason"), failure.Error);
        Assert.Equal(300, success.Tokens!.ExpiresIn);
        Assert.Equal("u-1", success.UserId);
        Assert.False(resolution.User!.Enabled);
        Assert.True(resolution.Created);
    }

    [Fact]
    public void A_validated_subject_s_claim_set_goes_over_the_wire_as_the_dictionary_it_always_was()
    {
        // Ordinal, as validation always built it (the wire carries the comparer).
        var claims = new Dictionary<string, string>(StringComparer.Ordinal) { ["sub"] = "alice", ["iss"] = "https://idp.example", ["department"] = "sales" };
        ValidatedSubject Subject(IReadOnlyDictionary<string, string> held) => new() { Subject = "alice", Issuer = "https://idp.example", Claims = held, Username = "alice" };

        var fromSet = serializer.SerializeToArray(Subject(ClaimSet.Of(claims)));
        var fromDictionary = serializer.SerializeToArray(Subject(claims));

        // Same bytes: a silo of the release before reads what this one sends, and the other way round.
        Assert.Equal(fromDictionary, fromSet);
        var copy = serializer.Deserialize<ValidatedSubject>(fromSet);
        Assert.Equal(claims, copy!.Claims);
    }

    private T RoundTrip<T>(T value) where T : class => serializer.Deserialize<T>(serializer.SerializeToArray(value)) ?? throw new InvalidOperationException("deserialized to null");
}
