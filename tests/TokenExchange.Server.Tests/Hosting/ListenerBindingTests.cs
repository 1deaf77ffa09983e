using System.Net;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using TokenExchange.Server.Tests.Tls;
using TokenExchange.Testing;
using HealthClient = Grpc.Health.V1.Health.HealthClient;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>
/// Each route answers only on its own listener: the gRPC port serves gRPC (services, health, reflection) and
/// nothing else, over h2c and over TLS, and the HTTP-only surfaces (Setup, dashboard, dev issuer, discovery,
/// JWKS, metrics, health, the OAuth endpoints) are 404 there.
/// </summary>
public sealed class ListenerBindingTests
{
    /// <summary>Everything the HTTP port serves, with what it answers there (never 404).</summary>
    public static TheoryData<string, string> HttpOnlyRoutes => new()
    {
        { "GET", "/setup" },
        { "GET", "/setup/signin" },
        { "GET", "/dashboard/" },
        { "GET", "/dev-issuer/jwks.json" },
        { "GET", "/dev-issuer/.well-known/openid-configuration" },
        { "POST", "/dev-issuer/token" },
        { "GET", "/.well-known/openid-configuration" },
        { "GET", "/oauth2/jwks" },
        { "GET", "/metrics" },
        { "GET", "/healthz" },
        { "GET", "/readyz" },
        { "POST", "/oauth2/token" },
        { "POST", "/oauth2/introspect" },
        { "POST", "/oauth2/revoke" },
    };

    [Fact]
    public async Task No_http_route_answers_on_the_grpc_port_over_h2c_and_each_answers_on_the_http_port()
    {
        await using var server = await LoopbackServer.StartAsync(null);
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        using var h2c = new HttpClient { BaseAddress = server.GrpcAddress };

        foreach (var (method, path) in HttpOnlyRoutes.Select(row => ((string)row[0], (string)row[1])))
        {
            using var onHttp = await http.SendAsync(Request(method, path));
            using var onGrpc = await h2c.SendAsync(Request(method, path, HttpVersion.Version20));
            Assert.True(onHttp.StatusCode != HttpStatusCode.NotFound, $"{method} {path} on the HTTP port: {onHttp.StatusCode}");
            Assert.True(onGrpc.StatusCode == HttpStatusCode.NotFound, $"{method} {path} on the gRPC port: {onGrpc.StatusCode}");
        }
    }

    [Fact]
    public async Task The_token_endpoint_over_http_1_1_is_not_served_on_the_grpc_port()
    {
        await using var server = await LoopbackServer.StartAsync(null);
        using var http11 = new HttpClient { BaseAddress = server.GrpcAddress };

        // The gRPC listener speaks HTTP/2 only: Kestrel answers an HTTP/1.1 request itself, never the token endpoint.
        using var response = await http11.SendAsync(Request("POST", "/oauth2/token"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEqual("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("invalid_request", body);
    }

    [Fact]
    public async Task The_grpc_port_still_serves_grpc_health_reflection_and_the_exchange()
    {
        await using var server = await LoopbackServer.StartAsync(null);
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);

        var health = await new HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "" });
        using var reflection = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        Assert.True(await reflection.ResponseStream.MoveNext());
        await reflection.RequestStream.CompleteAsync();
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(new Protos.V1.ExchangeRequest()));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Contains("tokenexchange.v1.TokenExchange", reflection.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
    }

    [Theory]
    [InlineData("tokenexchange.v1.TokenExchange", "Nope")]
    [InlineData("tokenexchange.v1.Nowhere", "Exchange")]
    public async Task An_unknown_grpc_method_or_service_answers_unimplemented(string service, string method)
    {
        await using var server = await LoopbackServer.StartAsync(null);
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var marshaller = Marshallers.Create<Empty>(message => message.ToByteArray(), Empty.Parser.ParseFrom);

        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.CreateCallInvoker().AsyncUnaryCall(new Method<Empty, Empty>(MethodType.Unary, service, method, marshaller, marshaller), null, new CallOptions(), new Empty()));

        Assert.Equal(StatusCode.Unimplemented, e.StatusCode);
    }

    [Fact]
    public async Task Over_tls_the_grpc_port_serves_grpc_and_not_the_http_routes()
    {
        using var pki = new TestPki();
        await using var server = await LoopbackServer.StartAsync(null, "--tls-cert", pki.ServerCertificateFile, "--tls-key", pki.ServerKeyFile);
        using var https = pki.Http(server.HttpAddress);
        using var h2 = pki.Http(server.GrpcAddress);
        h2.DefaultRequestVersion = HttpVersion.Version20;
        h2.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        using var channel = pki.Grpc(server.GrpcAddress);

        using var onHttp = await https.GetAsync("/.well-known/openid-configuration");
        using var setupOnGrpc = await h2.GetAsync("/setup");
        using var discoveryOnGrpc = await h2.GetAsync("/.well-known/openid-configuration");
        var health = await new HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "" });

        Assert.Equal(HttpStatusCode.OK, onHttp.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, setupOnGrpc.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, discoveryOnGrpc.StatusCode);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    /// <summary>HTTP/1.1, or with <paramref name="version"/> 2.0 HTTP/2 only (h2c with prior knowledge on http://).</summary>
    private static HttpRequestMessage Request(string method, string path, Version? version = null) => new(new HttpMethod(method), path)
    {
        Version = version ?? HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Content = method == "POST" ? new FormUrlEncodedContent([new("sub", "listener-test")]) : null,
    };
}
