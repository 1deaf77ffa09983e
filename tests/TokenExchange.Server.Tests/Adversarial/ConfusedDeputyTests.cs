namespace TokenExchange.Server.Tests.Adversarial;

/// <summary>
/// A subject token issued to another client at the IdP, exchanged by an app that merely got hold of it.
/// A handler with authorizedParties accepts a token only when its azp (OIDC) and client_id (RFC 9068),
/// whichever it carries, name one of them; a token naming neither is refused too.
/// </summary>
[Collection(AdversarialCollection.Name)]
public sealed class ConfusedDeputyTests(AdversarialFixture fixture) : IDisposable
{
    private readonly Wire wire = new(fixture);

    public static TheoryData<Transport, string?, string?> ForeignParties => new()
    {
        { Transport.Http, "someone-else", null },
        { Transport.Grpc, "someone-else", null },
        { Transport.Http, null, "someone-else" },
        { Transport.Grpc, null, "someone-else" },
        { Transport.Http, AdversarialFixture.OrdersIdpClient, "someone-else" },
        { Transport.Grpc, "someone-else", AdversarialFixture.OrdersIdpClient },
        { Transport.Http, null, null },
        { Transport.Grpc, "ORDERS-WEB", null },
    };

    [Theory]
    [MemberData(nameof(ForeignParties))]
    public async Task A_token_issued_to_another_client_is_refused_where_the_handler_requires_it_to_be_ours(Transport transport, string? azp, string? clientId)
    {
        var token = AttackTokens.FromIdp(fixture.Idp, new Dictionary<string, object?> { ["azp"] = azp, ["client_id"] = clientId });
        Assert.Contains("authorized party", await wire.Refused(transport, fixture.Request(token, "orders-web-only"), "invalid_request"));
    }

    [Theory]
    [InlineData(Transport.Http, "azp")]
    [InlineData(Transport.Grpc, "azp")]
    [InlineData(Transport.Http, "client_id")]
    [InlineData(Transport.Grpc, "client_id")]
    public async Task A_token_issued_to_our_client_is_accepted(Transport transport, string claim)
    {
        var token = AttackTokens.FromIdp(fixture.Idp, new Dictionary<string, object?> { [claim] = AdversarialFixture.OrdersIdpClient });
        Assert.NotEmpty((await wire.Exchanged(transport, fixture.Request(token, "orders-web-only"))).AccessToken);
    }

    [Theory]
    [InlineData(Transport.Http)]
    [InlineData(Transport.Grpc)]
    public async Task A_handler_not_enabled_for_the_calling_app_is_refused(Transport transport)
    {
        Assert.Contains("not enabled", await wire.Refused(transport, fixture.Request(handler: "billing-only"), "unauthorized_client"));
    }

    [Theory]
    [InlineData(Transport.Http)]
    [InlineData(Transport.Grpc)]
    public async Task Another_apps_credentials_do_not_open_a_handler_for_this_app(Transport transport)
    {
        var request = fixture.Request(handler: "billing-only");
        request.ClientSecret = AdversarialFixture.BillingSecret;
        await wire.Refused(transport, request, "invalid_client");
    }

    public void Dispose() => wire.Dispose();
}
