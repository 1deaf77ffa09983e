using System.Diagnostics;
using TokenExchange.Server.Tests.Kubernetes;

namespace TokenExchange.Server.Tests.Warmup;

/// <summary>
/// Warm start (issue 15): a publish for a runtime compiles the server ReadyToRun, however the runtime is named.
/// The Dockerfile and bench/run.sh publish with --use-current-runtime, which MSBuild sees only as
/// UseCurrentRuntimeIdentifier when the project is read (the SDK infers RuntimeIdentifier later); a condition on
/// RuntimeIdentifier alone published plain IL there, and every silo jitted Orleans and ASP.NET under its first load.
/// </summary>
public sealed class ReadyToRunPublishTests
{
    private static readonly string ServerProject = Path.Combine(RenderedManifests.RepositoryRoot, "src", "TokenExchange.Server", "TokenExchange.Server.csproj");

    [Theory]
    [InlineData("-p:UseCurrentRuntimeIdentifier=true", "true")] // dotnet publish --use-current-runtime (Dockerfile, bench/run.sh)
    [InlineData("-p:RuntimeIdentifier=linux-x64", "true")] // dotnet publish -r linux-x64
    [InlineData("-p:Configuration=Release", "")] // a build or a publish without a runtime: IL, as dotnet run and the tests use
    public async Task A_publish_for_a_runtime_is_ReadyToRun(string property, string expected)
    {
        var start = new ProcessStartInfo("dotnet", ["msbuild", ServerProject, "-getProperty:PublishReadyToRun", property, "-nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var msbuild = Process.Start(start)!;
        var output = await msbuild.StandardOutput.ReadToEndAsync();
        var errors = await msbuild.StandardError.ReadToEndAsync();
        await msbuild.WaitForExitAsync();
        Assert.True(msbuild.ExitCode == 0, $"msbuild exited with {msbuild.ExitCode}: {errors}");
        Assert.Equal(expected, output.Trim());
    }
}
