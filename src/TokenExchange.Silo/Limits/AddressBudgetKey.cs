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
        // Every exchange's address arrives as IPAddress.ToString writes it (the connection's, or a trusted proxy's as the
        // server parsed it), and an IPv4 one so written is its own key: parsing it again cost an IPAddress and a string
        // per exchange (issue 15).
        if (clientAddress is not null && IsCanonicalIpv4(clientAddress)) return clientAddress;
        if (string.IsNullOrEmpty(clientAddress) || !IPAddress.TryParse(clientAddress, out var address)) return clientAddress ?? "";
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4().ToString();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, Ipv6PrefixLength / 8, bytes.Length - Ipv6PrefixLength / 8);
        return $"{new IPAddress(bytes)}/{Ipv6PrefixLength}";
    }

    /// <summary>Four decimal parts of at most 255, without leading zeros, separated by dots: IPv4 as IPAddress.ToString writes it.</summary>
    public static bool IsCanonicalIpv4(ReadOnlySpan<char> text)
    {
        var parts = 0;
        var position = 0;
        while (position < text.Length && parts < 4)
        {
            var start = position;
            var value = 0;
            while (position < text.Length && position - start < 3 && char.IsAsciiDigit(text[position]))
                value = value * 10 + (text[position++] - '0');
            var digits = position - start;
            if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0')) return false;
            parts++;
            if (position == text.Length) break;
            if (text[position++] != '.' || position == text.Length) return false;
        }
        return parts == 4 && position == text.Length;
    }
}
