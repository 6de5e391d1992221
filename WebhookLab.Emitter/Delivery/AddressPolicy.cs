using System.Net;
using System.Net.Sockets;

namespace WebhookLab.Emitter.Delivery;

// Which addresses a webhook may be sent to when private networks are not allowed: public unicast only. Guards against
// SSRF: a subscription URL that points at loopback, the private network or the cloud metadata address (169.254.169.254).
public static class AddressPolicy
{
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => IsPublicV6(address),
            _ => false,
        };
    }

    private static bool IsPublicV4(ReadOnlySpan<byte> b) => !(
        b[0] == 0                                          // 0.0.0.0/8 "this network"
        || b[0] == 10                                      // 10.0.0.0/8 private
        || (b[0] == 100 && (b[1] & 0xC0) == 64)            // 100.64.0.0/10 carrier-grade NAT
        || b[0] == 127                                     // 127.0.0.0/8 loopback
        || (b[0] == 169 && b[1] == 254)                    // 169.254.0.0/16 link-local, cloud metadata
        || (b[0] == 172 && (b[1] & 0xF0) == 16)            // 172.16.0.0/12 private
        || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)    // 192.0.0.0/24 protocol assignments, 192.0.2.0/24 documentation
        || (b[0] == 192 && b[1] == 88 && b[2] == 99)       // 192.88.99.0/24 6to4 relay
        || (b[0] == 192 && b[1] == 168)                    // 192.168.0.0/16 private
        || (b[0] == 198 && (b[1] & 0xFE) == 18)            // 198.18.0.0/15 benchmarking
        || (b[0] == 198 && b[1] == 51 && b[2] == 100)      // 198.51.100.0/24 documentation
        || (b[0] == 203 && b[1] == 0 && b[2] == 113)       // 203.0.113.0/24 documentation
        || b[0] >= 224);                                   // multicast, reserved, broadcast

    private static bool IsPublicV6(IPAddress address)
    {
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal
            || address.IsIPv6SiteLocal || address.IsIPv6Multicast)
        {
            return false;
        }

        var b = address.GetAddressBytes();
        if ((b[0] & 0xFE) == 0xFC)
        {
            return false; // fc00::/7 unique local
        }

        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8)
        {
            return false; // 2001:db8::/32 documentation
        }

        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0)
        {
            return false; // 2001::/32 Teredo tunnels reach arbitrary IPv4 hosts
        }

        // Forms that carry an IPv4 address are judged by it: IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16.
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0
            || (b[0] == 0 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0))
        {
            return IsPublicV4(b.AsSpan(12, 4));
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return IsPublicV4(b.AsSpan(2, 4));
        }

        return true;
    }
}
