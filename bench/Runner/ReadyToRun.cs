using System.Reflection.PortableExecutable;

namespace Bench.Runner;

/// <summary>Whether the server was published ReadyToRun (its own assembly carries native code), as the Dockerfile's publish is.</summary>
public static class ReadyToRun
{
    public static bool IsCompiled(string assembly)
    {
        using var reader = new PEReader(File.OpenRead(assembly));
        return reader.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    public static string Describe(string serverDll) => IsCompiled(serverDll)
        ? $"server published ReadyToRun ({Path.GetFileName(serverDll)} carries native code)"
        : $"server NOT ReadyToRun ({Path.GetFileName(serverDll)} is IL only): its figures include jitting what a deployed silo has precompiled; publish it as bench/run.sh does";
}
