using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using TokenExchange.Core.Handlers;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Handlers;

namespace TokenExchange.Core.Tests.Handlers;

/// <summary>An operator's handler that throws or returns nonsense is counted once per failure, by kind.</summary>
public sealed class PluginImplementationMetricsTests : IDisposable
{
    private readonly TestMeterFactory meters = new();
    private readonly HttpClient http = new();

    public void Dispose()
    {
        http.Dispose();
        meters.Dispose();
    }

    [Fact]
    public async Task Counts_handler_failures_by_handler_and_kind()
    {
        using var failures = new MetricCollector<long>(meters, TokenExchangeTelemetry.Name, "tokenexchange.handler.failures");
        var definition = new HandlerDefinition { Name = "partner", Implementation = "Partner.Handler, Partner", Timeout = TimeSpan.FromSeconds(5) };
        var services = new HandlerServices { Http = http, Logger = NullLogger.Instance, Time = TimeProvider.System, Settings = new Dictionary<string, string>() };
        var throwing = new PluginImplementation(definition, new Throwing(), services, TimeProvider.System, NullLogger.Instance, new TokenExchangeMetrics(meters));
        var nonsense = new PluginImplementation(definition, new ReturnsNull(), services, TimeProvider.System, NullLogger.Instance, new TokenExchangeMetrics(meters));

        var (_, thrown) = await throwing.ValidateAsync(Exchange(), CancellationToken.None);
        var (_, garbage) = await nonsense.ValidateAsync(Exchange(), CancellationToken.None);

        Assert.Equal(OAuthErrorCodes.ServerError, thrown!.Code);
        Assert.Equal(OAuthErrorCodes.ServerError, garbage!.Code);
        Assert.Equal(["exception", "invalid_result"], failures.GetMeasurementSnapshot().Select(m => (string)m.Tags["kind"]!));
        Assert.All(failures.GetMeasurementSnapshot(), m => Assert.Equal("partner", m.Tags["handler"]));
    }

    private static AuthorizedExchange Exchange() => new()
    {
        App = new AppDefinition { ClientId = "app" },
        Enablement = new HandlerAppEnablement { ClientId = "app" },
        HandlerName = "partner",
        SubjectToken = "token",
        SubjectTokenType = TokenTypes.AccessToken,
        RequestedTokenType = TokenTypes.AccessToken,
    };

    private sealed class Throwing : TokenExchangeHandler
    {
        public override Task<TokenValidationResult> ValidateTokenAsync(TokenValidationContext context) => throw new InvalidOperationException("broken");
        public override Task<UserMappingResult> GetUserAsync(UserMappingContext context) => throw new InvalidOperationException("broken");
    }

    private sealed class ReturnsNull : TokenExchangeHandler
    {
        public override Task<TokenValidationResult> ValidateTokenAsync(TokenValidationContext context) => Task.FromResult<TokenValidationResult>(null!);
        public override Task<UserMappingResult> GetUserAsync(UserMappingContext context) => Task.FromResult<UserMappingResult>(null!);
    }
}
