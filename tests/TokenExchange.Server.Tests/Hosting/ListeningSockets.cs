using System.Globalization;
using System.Net;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>
/// The TCP sockets a process listens on, read from Linux's /proc: the process's socket inodes
/// (/proc/PID/fd) matched against the listening entries of /proc/PID/net/tcp and tcp6.
/// </summary>
public static class ListeningSockets
{
    private const string Listen = "0A";

    public static IReadOnlyList<IPEndPoint> Of(int processId)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFiles($"/proc/{processId}/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal)) inodes.Add(target[8..^1]);
            }
            catch (IOException)
            {
                // closed while we looked
            }
        }
        var listening = new List<IPEndPoint>();
        foreach (var table in new[] { "tcp", "tcp6" })
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/net/{table}").Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields[3] == Listen && inodes.Contains(fields[9])) listening.Add(Parse(fields[1]));
            }
        }
        return listening;
    }

    /// <summary>ADDRESS:PORT in hex; the address as 32-bit words printed in the machine's byte order, which GetBytes undoes.</summary>
    private static IPEndPoint Parse(string entry)
    {
        var (address, port) = (entry[..entry.IndexOf(':')], entry[(entry.IndexOf(':') + 1)..]);
        var bytes = new byte[address.Length / 2];
        for (var word = 0; word < address.Length / 8; word++)
        {
            var value = uint.Parse(address.AsSpan(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            BitConverter.GetBytes(value).CopyTo(bytes, word * 4);
        }
        return new IPEndPoint(new IPAddress(bytes), int.Parse(port, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }
}
