using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using TokenExchange.Clients;
using TokenExchange.Server.Tls;

namespace TokenExchange.Server.Tests.Tls;

/// <summary>
/// Reading a request's client certificate: none over a connection without TLS, and the reading leaves that connection's
/// features as they were (ASP.NET Core's ConnectionInfo.ClientCertificate would add a TLS feature to every such request,
/// an object per exchange, issue 15). The certificate of a TLS connection is read in MutualTlsTests, end to end.
/// </summary>
public sealed class ClientCertificateReaderTests
{
    private readonly ClientCertificateReader reader = new(new ClientCertificates([], TimeProvider.System), TimeProvider.System);

    [Fact]
    public void A_request_without_TLS_has_no_client_certificate_and_gains_no_TLS_feature()
    {
        var http = new DefaultHttpContext();

        Assert.Null(reader.Read(http));
        Assert.Null(http.Features.Get<ITlsConnectionFeature>());
    }

    [Fact]
    public void A_TLS_connection_without_a_client_certificate_has_none()
    {
        var http = new DefaultHttpContext();
        http.Features.Set<ITlsConnectionFeature>(new TlsConnectionFeature());

        Assert.Null(reader.Read(http));
    }
}
