using System.Text.Json;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Cli.Tests.Commands.Admin;

/// <summary>
/// An app's introspection audiences and refresh token absolute lifetime through the admin API: applied with
/// <c>txctl apply</c>, shown by <c>txctl get</c>, and unchanged when applied again.
/// </summary>
public sealed class AppTokenPolicyRoundTripTests : IAsyncLifetime
{
    private const string AdminKey = "dev-admin-key-0123456789abcdef";
    private TokenExchangeServer server = null!;
    private readonly string file = Path.Combine(Path.GetTempPath(), $"tx-apply-{Guid.NewGuid():N}.yaml");

    public async Task InitializeAsync()
    {
        server = await LoopbackServer.StartAsync(configYaml: null);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        File.Delete(file);
    }

    [Fact]
    public async Task Introspection_audiences_and_the_absolute_lifetime_round_trip_through_apply_and_get()
    {
        await File.WriteAllTextAsync(file, TestConfig.Create()
            .App("orders-api", a => a
                .Secret("orders-api-secret-0123456789abcdef")
                .Exchange(enabled: false)
                .RefreshTokens(lifetime: "02:00:00", absoluteLifetime: "7.00:00:00")
                .Introspects("https://orders.example", "https://orders-v2.example"))
            .ToYaml());

        var applied = await Admin("apply", "-f", file);
        var (exitCode, json, error) = await Admin("get", "app", "orders-api", "-o", "json");
        var (_, yaml, _) = await Admin("get", "app", "orders-api", "-o", "yaml");
        var again = await Admin("apply", "-f", file);

        Assert.True(applied.ExitCode == 0, applied.Error);
        Assert.True(exitCode == 0, error);
        var app = JsonDocument.Parse(json).RootElement[0];
        Assert.Equal(["https://orders.example", "https://orders-v2.example"], app.GetProperty("introspection").GetProperty("audiences").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("7.00:00:00", app.GetProperty("refreshTokens").GetProperty("absoluteLifetime").GetString());
        Assert.Equal("02:00:00", app.GetProperty("refreshTokens").GetProperty("lifetime").GetString());
        Assert.Contains("https://orders-v2.example", yaml);
        Assert.Contains("unchanged app orders-api", again.Output);
    }

    private Task<(int ExitCode, string Output, string Error)> Admin(params string[] args) =>
        CliFixture.Run([.. args, "--server", server.GrpcAddress.ToString(), "--admin-key", AdminKey]);
}
