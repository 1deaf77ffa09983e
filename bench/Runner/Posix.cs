using System.Diagnostics;

namespace Bench.Runner;

internal static class Posix
{
    /// <summary>SIGTERM (.NET's Process.Kill is SIGKILL, which gives a silo no chance to leave its cluster cleanly).</summary>
    public static void Terminate(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardError = true,
        });
        kill?.WaitForExit();
    }
}
