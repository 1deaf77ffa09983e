using System.Globalization;
using System.Text.Json;

namespace Bench.Runner.Cases;

/// <summary>The crypto floor: bench/CryptoFloor in its own process, once per run.</summary>
public static class FloorCase
{
    public const string Name = "crypto floor";
    public const string CpuPerPair = "CPU per validate+sign pair";

    public static async Task<CaseResult> RunAsync(RunContext context, CancellationToken cancellationToken)
    {
        var result = new CaseResult(Name, "in process: validate one ES256 JWT, sign one ES256 JWT (Microsoft.IdentityModel, P-256), as the server does");
        await context.RepeatAsync(result, async run =>
        {
            context.Progress($"crypto floor, run {run}");
            var json = context.Workspace.RawPath($"floor-{run}.json");
            var log = context.Workspace.LogPath($"floor-{run}.log");
            var process = ChildProcesses.Start("dotnet",
                [context.Workspace.CryptoFloorDll, "--duration", context.Options.FloorDuration.TotalSeconds.ToString(CultureInfo.InvariantCulture), "--json", json], log);
            await process.WaitForExitAsync(cancellationToken);
            ChildProcesses.Stop(process);
            if (process.ExitCode != 0 || !File.Exists(json)) throw new CaseFailedException($"CryptoFloor exited with {process.ExitCode}; see logs/{Path.GetFileName(log)}");
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json, cancellationToken));
            var operations = document.RootElement.GetProperty("operations");
            foreach (var (operation, label) in new[] { ("validate", "validate"), ("sign", "sign"), ("pair", "validate+sign") })
            {
                var figures = operations.GetProperty(operation);
                result.Add($"{label}, one core", "ops/s", figures.GetProperty("opsPerSecondOneCore").GetDouble());
                result.Add($"{label}, all cores", "ops/s", figures.GetProperty("opsPerSecondAllCores").GetDouble());
            }
            result.Add(CpuPerPair, "µs", document.RootElement.GetProperty("cpuMicrosecondsPerPair").GetDouble());
        }, cancellationToken);
        return result;
    }
}
