using System.Text.Json;
using TokenExchange.Server.Tests.Embedded;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>
/// Latency (issue 15): the server runs server GC without DATAS, whose small gen0 budgets made a loaded silo collect
/// about ten times a second, each pause stalling every request in flight. The setting travels in the server's
/// runtimeconfig.json, so every way of running it (dotnet run, the Dockerfile's publish, the tests' processes) has it.
/// </summary>
public sealed class GarbageCollectorSettingsTests
{
    [Fact]
    public void The_server_runs_server_GC_without_dynamic_adaptation()
    {
        var path = Path.ChangeExtension(ServerProcessRun.ServerDll, ".runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var properties = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.Equal(0, properties.GetProperty("System.GC.DynamicAdaptationMode").GetInt32());
    }
}
