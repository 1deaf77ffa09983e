using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Tls;

/// <summary>
/// The certificates of the TLS tests, made for the run and written to a temporary folder: a CA, a server
/// certificate for 127.0.0.1 and localhost, and clients' certificates; and clients that trust the test CA.
/// </summary>
public sealed class TestPki : IDisposable
{
    public const string ClientSubject = "CN=orders-mtls, O=Example";
    public const string ClientDns = "orders.internal";

    public TestPki()
    {
        Server = TestCertificates.IssueServer(Ca);
        Client = TestCertificates.IssueClient(Ca, ClientSubject, ClientDns);
        OtherSubject = TestCertificates.IssueClient(Ca, "CN=billing-mtls, O=Example", "billing.internal");
        FromOtherCa = TestCertificates.IssueClient(OtherCa, ClientSubject, ClientDns);
        Directory.CreateDirectory(Folder);
        (ServerCertificateFile, ServerKeyFile) = TestCertificates.WritePem(Server, Folder);
        ClientCaBundle = TestCertificates.WriteBundle(Folder, Ca);
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"tx-tls-{Guid.NewGuid():N}");

    public X509Certificate2 Ca { get; } = TestCertificates.CreateCa();
    public X509Certificate2 OtherCa { get; } = TestCertificates.CreateCa("CN=Some Other CA");

    public X509Certificate2 Server { get; }
    public string ServerCertificateFile { get; }
    public string ServerKeyFile { get; }
    public string ClientCaBundle { get; }

    /// <summary>The registered app's certificate: the registered subject and DNS name, from the trusted CA.</summary>
    public X509Certificate2 Client { get; }

    /// <summary>From the trusted CA, but another subject.</summary>
    public X509Certificate2 OtherSubject { get; }

    /// <summary>The registered subject and DNS name, but from a CA the server does not trust.</summary>
    public X509Certificate2 FromOtherCa { get; }

    /// <summary>The registered subject, self-signed.</summary>
    public X509Certificate2 SelfSigned { get; } = TestCertificates.CreateSelfSignedClient(ClientSubject);

    public X509Certificate2 OtherSelfSigned { get; } = TestCertificates.CreateSelfSignedClient("CN=someone-else");

    /// <summary>A handler that trusts only the test CA for the server, presenting <paramref name="client"/> if given.</summary>
    public SocketsHttpHandler Handler(X509Certificate2? client = null, Action<X509Certificate2>? seen = null) => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = client is null ? null : [client],
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is not X509Certificate2 presented) return false;
                seen?.Invoke(presented);
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(Ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(presented);
            },
        },
    };

    public HttpClient Http(Uri address, X509Certificate2? client = null) => new(Handler(client)) { BaseAddress = address };

    public GrpcChannel Grpc(Uri address, X509Certificate2? client = null) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = Handler(client), DisposeHttpClient = true });

    public void Dispose()
    {
        foreach (var certificate in new[] { Ca, OtherCa, Server, Client, OtherSubject, FromOtherCa, SelfSigned, OtherSelfSigned }) certificate.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
