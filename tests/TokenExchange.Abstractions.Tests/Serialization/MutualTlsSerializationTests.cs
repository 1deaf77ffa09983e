using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using TokenExchange.Definitions;
using TokenExchange.Exchange;

namespace TokenExchange.Abstractions.Tests.Serialization;

/// <summary>An mTLS app, a request's client certificate and a certificate-bound exchange survive Orleans serialization.</summary>
public sealed class MutualTlsSerializationTests
{
    private readonly Serializer serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private T RoundTrip<T>(T value) => serializer.Deserialize<T>(serializer.SerializeToArray(value))!;

    [Fact]
    public void Mutual_tls_records_round_trip()
    {
        var app = new AppDefinition
        {
            ClientId = "orders",
            TokenEndpointAuthMethod = ClientAuthMethods.SelfSignedTlsClientAuth,
            TlsClientAuth = new TlsClientAuthPolicy { SubjectDn = "CN=a", SanDns = "a.example", Thumbprints = ["t1", "t2"] },
        };
        var certificate = new ClientCertificate { Thumbprint = "t1", SubjectDn = "CN=a", DnsNames = ["a.example"], IssuedByTrustedCa = true };

        var appCopy = RoundTrip(app);
        Assert.Equal(app.TokenEndpointAuthMethod, appCopy.TokenEndpointAuthMethod);
        Assert.Equal(app.TlsClientAuth.Thumbprints, appCopy.TlsClientAuth!.Thumbprints);
        Assert.Equal(app.TlsClientAuth.SanDns, appCopy.TlsClientAuth.SanDns);

        var request = RoundTrip(new ExchangeRequest { ClientId = "orders", ClientCertificate = certificate });
        Assert.Equal(certificate.DnsNames, request.ClientCertificate!.DnsNames);
        Assert.True(request.ClientCertificate.IssuedByTrustedCa);
        Assert.Equal("t1", RoundTrip(new RefreshRequest { ClientCertificate = certificate }).ClientCertificate!.Thumbprint);

        var exchange = new AuthorizedExchange
        {
            App = app,
            Enablement = new HandlerAppEnablement { ClientId = "orders" },
            HandlerName = "idp",
            SubjectToken = "x",
            SubjectTokenType = TokenTypes.AccessToken,
            RequestedTokenType = TokenTypes.AccessToken,
            CertificateThumbprint = "t1",
        };
        Assert.Equal("t1", RoundTrip(exchange).CertificateThumbprint);
    }
}
