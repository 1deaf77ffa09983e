using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenExchange.Diagnostics;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Observability;

/// <summary>
/// <c>--otlp-endpoint</c> (or TX_OTLPENDPOINT / TX_OTLP_ENDPOINT, or <c>server: { otlpEndpoint: ... }</c>) turns on OTLP export
/// and tracing; without it nobody listens to the cluster's spans, so they are never created.
/// </summary>
[Collection(ObservabilityCollection.Name)]
public sealed class OtlpSettingsTests
{
    [Fact]
    public void The_endpoint_is_read_from_the_command_line_and_the_environment_with_the_command_line_first()
    {
        var fromEnvironment = From(new Dictionary<string, string?> { ["OTLPENDPOINT"] = "http://collector.env:4317" });
        var underscored = From(new Dictionary<string, string?> { ["OTLP_ENDPOINT"] = "http://collector.env2:4317" });
        var both = From(new Dictionary<string, string?> { ["OTLPENDPOINT"] = "http://collector.env:4317" }, "--otlp-endpoint", "http://collector.cli:4317");

        Assert.Null(From([]).OtlpEndpoint);
        Assert.Equal(new Uri("http://collector.env:4317"), fromEnvironment.OtlpEndpoint);
        Assert.Equal(new Uri("http://collector.env2:4317"), underscored.OtlpEndpoint);
        Assert.Equal(new Uri("http://collector.cli:4317"), both.OtlpEndpoint);
    }

    [Theory]
    [InlineData("collector:4317")]
    [InlineData("grpc://collector:4317")]
    public void A_bad_endpoint_is_refused_by_name(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => From([], "--otlp-endpoint", value));

        Assert.StartsWith("--otlp-endpoint", e.Message);
    }

    [Fact]
    public async Task Without_an_endpoint_nobody_listens_to_the_clusters_spans()
    {
        await using var server = await LoopbackServer.StartAsync(null);

        Assert.False(TokenExchangeTelemetry.ActivitySource.HasListeners());
        // Nor do grain calls pass through Orleans' trace-propagating filters.
        Assert.Empty(server.Services.GetServices<IOutgoingGrainCallFilter>());
        Assert.DoesNotContain(server.Services.GetServices<IIncomingGrainCallFilter>(), IsActivityPropagation);
    }

    [Fact]
    public async Task With_an_endpoint_the_server_traces()
    {
        // Nothing listens at that port: the exporter's failures are its own, the server runs on.
        await using var server = await LoopbackServer.StartAsync(null, "--otlp-endpoint", "http://127.0.0.1:9");

        Assert.True(TokenExchangeTelemetry.ActivitySource.HasListeners());
        Assert.Contains(server.Services.GetServices<IOutgoingGrainCallFilter>(), IsActivityPropagation);
        Assert.Contains(server.Services.GetServices<IIncomingGrainCallFilter>(), IsActivityPropagation);
    }

    private static bool IsActivityPropagation(object filter) => filter.GetType().Name.StartsWith("ActivityPropagation", StringComparison.Ordinal);

    private static ServerSettings From(Dictionary<string, string?> environment, params string[] args) =>
        ServerSettings.From(new ConfigurationBuilder()
            .AddInMemoryCollection(environment)
            .AddCommandLine(args, ServerSettings.SwitchMappings.ToDictionary())
            .Build());
}
