using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Silo.Events;

namespace TokenExchange.Grains.Tests.Silo.Events;

/// <summary>Caller input never becomes a metric tag: only configured names and the fixed OAuth error codes.</summary>
public sealed class MetricsSinkTests
{
    private static readonly DefinitionSnapshot Snapshot = new(1,
        [new AppDefinition { ClientId = "orders-service" }],
        [new HandlerDefinition { Name = "partner-idp" }]);

    [Theory]
    [InlineData("orders-service", null, "orders-service")]
    [InlineData("orders-service", OAuthErrorCodes.InvalidScope, "orders-service")]
    [InlineData("orders-service", OAuthErrorCodes.InvalidClient, "unknown")]
    [InlineData("made-up-client", null, "unknown")]
    [InlineData("ORDERS-SERVICE", null, "unknown")]
    [InlineData(null, OAuthErrorCodes.InvalidRequest, "unknown")]
    public void An_app_is_a_tag_only_when_configured_and_not_refused_authentication(string? clientId, string? error, string expected) =>
        Assert.Equal(expected, MetricsSink.App(Snapshot, clientId, error));

    [Theory]
    [InlineData("partner-idp", "partner-idp")]
    [InlineData(null, "none")]
    [InlineData("deleted-meanwhile", "unknown")]
    public void A_handler_is_a_tag_only_when_configured(string? handler, string expected) =>
        Assert.Equal(expected, MetricsSink.Handler(Snapshot, handler));

    [Theory]
    [InlineData(null, null)]
    [InlineData(OAuthErrorCodes.InvalidGrant, OAuthErrorCodes.InvalidGrant)]
    [InlineData("unsupported_token_type", "unsupported_token_type")]
    [InlineData("something_new", "other")]
    public void Error_codes_come_from_the_fixed_oauth_set(string? code, string? expected) =>
        Assert.Equal(expected, MetricsSink.Error(code));
}
