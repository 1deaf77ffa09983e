using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using TokenExchange.Clients;
using TokenExchange.Testing;

namespace TokenExchange.Core.Tests.Clients;

/// <summary>A TLS client certificate reduced to what RFC 8705 client authentication decides on.</summary>
public sealed class ClientCertificatesTests : IDisposable
{
    private readonly X509Certificate2 ca = TestCertificates.CreateCa();
    private readonly X509Certificate2 otherCa = TestCertificates.CreateCa("CN=Another CA");
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);

    private ClientCertificates Trusting(params X509Certificate2[] cas) => new([.. cas], time);

    [Fact]
    public void The_thumbprint_is_the_base64url_sha256_of_the_der_certificate()
    {
        using var certificate = TestCertificates.CreateSelfSignedClient("CN=self");

        var thumbprint = ClientCertificates.Thumbprint(certificate);

        Assert.Equal(43, thumbprint.Length);
        Assert.DoesNotContain('=', thumbprint);
        Assert.Equal(TestCertificates.Thumbprint(certificate), thumbprint);
        Assert.Equal(SHA256.HashData(certificate.RawData), Base64UrlDecode(thumbprint));
    }

    [Fact]
    public void A_certificate_the_ca_issued_is_trusted_and_described()
    {
        using var client = TestCertificates.IssueClient(ca, "CN=orders-service, O=Example", "orders.internal");

        var described = Trusting(ca).Describe(client);

        Assert.True(described.IssuedByTrustedCa);
        Assert.Equal("CN=orders-service, O=Example", described.SubjectDn);
        Assert.Equal(["orders.internal"], described.DnsNames);
        Assert.Equal(TestCertificates.Thumbprint(client), described.Thumbprint);
    }

    [Fact]
    public void A_certificate_of_another_ca_is_not_trusted()
    {
        using var client = TestCertificates.IssueClient(otherCa, "CN=orders-service, O=Example");

        Assert.False(Trusting(ca).Describe(client).IssuedByTrustedCa);
        Assert.True(Trusting(ca, otherCa).Describe(client).IssuedByTrustedCa);
    }

    [Fact]
    public void A_self_signed_certificate_is_not_trusted_and_nothing_is_without_a_ca_bundle()
    {
        using var self = TestCertificates.CreateSelfSignedClient("CN=orders-service, O=Example");
        using var issued = TestCertificates.IssueClient(ca, "CN=orders-service, O=Example");

        Assert.False(Trusting(ca).Describe(self).IssuedByTrustedCa);
        Assert.False(Trusting().Describe(issued).IssuedByTrustedCa);
        Assert.False(Trusting().HasTrustedCas);
    }

    [Fact]
    public void A_certificate_outside_its_validity_period_is_not_trusted()
    {
        var start = DateTimeOffset.UtcNow;
        using var client = TestCertificates.IssueClient(ca, "CN=orders-service", start.AddMinutes(-5), start.AddHours(1));

        Assert.True(Trusting(ca).Describe(client).IssuedByTrustedCa);
        time.Advance(TimeSpan.FromHours(2));
        Assert.False(Trusting(ca).Describe(client).IssuedByTrustedCa);
    }

    [Fact]
    public void A_certificate_for_servers_only_does_not_authenticate_a_client()
    {
        using var server = TestCertificates.IssueServer(ca, "CN=orders-service");

        Assert.False(Trusting(ca).Describe(server).IssuedByTrustedCa);
    }

    [Theory]
    [InlineData("CN=orders-service,O=Example")]
    [InlineData("CN=orders-service, O=Example")]
    [InlineData("CN=orders-service,   O=Example")]
    public void Distinguished_names_are_compared_in_one_canonical_form(string written)
    {
        using var client = TestCertificates.IssueClient(ca, "CN=orders-service, O=Example");

        Assert.Equal(client.SubjectName.Name, ClientCertificates.CanonicalDn(written));
    }

    private static byte[] Base64UrlDecode(string value) =>
        Convert.FromBase64String(value.Replace('-', '+').Replace('_', '/') + new string('=', (4 - value.Length % 4) % 4));

    public void Dispose()
    {
        ca.Dispose();
        otherCa.Dispose();
    }
}
