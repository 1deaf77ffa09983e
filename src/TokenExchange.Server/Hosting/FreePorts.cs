using System.Net;
using System.Net.Sockets;

namespace TokenExchange.Server.Hosting;

/// <summary>
/// Picks a free loopback port for a listener that cannot bind port 0 itself (Orleans' silo port must be
/// known before it binds). Ports come from below the kernel's ephemeral range, so an
/// outgoing connection cannot take the port between the pick and the bind.
/// </summary>
public static class FreePorts
{
    private const int Lowest = 20000;

    public static int Pick()
    {
        var highest = EphemeralRangeStart() - 1;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(Lowest, highest);
            if (IsFree(port)) return port;
        }
        throw new InvalidOperationException($"no free port between {Lowest} and {highest}");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[0], out var start) && start > Lowest + 1000
            ? start
            : 32768;
    }
}
