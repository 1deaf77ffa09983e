using TokenExchange.Protos.V1;

namespace TokenExchange.Server.Tests;

/// <summary>Requests the tests start from: a valid exchange for orders-service, to be varied one field at a time.</summary>
public static class Requests
{
    public static ExchangeRequest Orders(ServerFixture fixture, string? subjectToken = null) => new()
    {
        ClientId = "orders-service",
        ClientSecret = ServerFixture.OrdersSecret,
        SubjectToken = subjectToken ?? fixture.Idp.Token("alice-ext-1"),
        SubjectTokenType = Clients.JwtType,
        Scope = { "api" },
    };
}
