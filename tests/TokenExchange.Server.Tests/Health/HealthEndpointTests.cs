using System.Net;
using Grpc.Health.V1;
using Grpc.Net.Client;
using HealthClient = Grpc.Health.V1.Health.HealthClient;

namespace TokenExchange.Server.Tests.Health;

[Collection(ServerCollection.Name)]
public sealed class HealthEndpointTests(ServerFixture fixture)
{
    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Http_health_routes_answer_healthy_once_the_silo_is_ready(string path)
    {
        using var http = new HttpClient { BaseAddress = fixture.Http };

        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_grpc_health_checking_protocol_reports_serving()
    {
        using var channel = GrpcChannel.ForAddress(fixture.Grpc);

        var response = await new HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "" });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }
}
