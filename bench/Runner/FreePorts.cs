using System.Net;
using System.Net.Sockets;

namespace Bench.Runner;

/// <summary>Free ephemeral loopback ports, picked by the OS and released for the child to bind.</summary>
public static class FreePorts
{
    public static int Pick()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
