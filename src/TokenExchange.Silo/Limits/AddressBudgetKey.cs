using System.Net;
using System.Net.Sockets;

namespace TokenExchange.Silo.Limits;

/// <summary>
/// The key a client address is budgeted under: an IPv4 address as itself (also when it arrives IPv4-mapped,
/// <c>::ffff:a.b.c.d</c>), an IPv6 address by its /64 prefix, since one subscriber usually holds a whole /64 and
/// could otherwise rotate addresses within it to get a fresh budget for each. Anything else (no address) as given.
/// </summary>
public static class AddressBudgetKey
{
    public const int Ipv6PrefixLength = 64;

    public static string For(string? clientAddress)
    {
        if (string.IsNullOrEmpty(clientAddress) || !IPAddress.TryParse(clientAddress, out var address)) return clientAddress ?? "";
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4().ToString();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, Ipv6PrefixLength / 8, bytes.Length - Ipv6PrefixLength / 8);
        return $"{new IPAddress(bytes)}/{Ipv6PrefixLength}";
    }
}
