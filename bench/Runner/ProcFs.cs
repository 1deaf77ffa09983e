using System.Globalization;

namespace Bench.Runner;

/// <summary>
/// A process's own accounting from /proc: CPU time (utime + stime of /proc/PID/stat, in clock ticks)
/// and resident memory (VmRSS of /proc/PID/status). Reading the server's accounting leaves the load
/// generator's own cost out.
/// </summary>
public static class ProcFs
{
    /// <summary>Clock ticks per second (sysconf(_SC_CLK_TCK)); 100 on every Linux this runs on.</summary>
    private const double TicksPerSecond = 100;

    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (utime + stime) / TicksPerSecond;
    }

    public static long ResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
            var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            return kilobytes * 1024;
        }
        throw new InvalidOperationException($"no VmRSS for process {pid}");
    }

    public static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
}
