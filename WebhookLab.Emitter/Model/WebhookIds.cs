using System.Security.Cryptography;

namespace WebhookLab.Emitter.Model;

// Opaque, time-ordered ids with a type prefix ("msg_" for events, as in Standard Webhooks): 48 bits of milliseconds,
// then 80 random bits, in Crockford base32 (26 characters), so ids sort by creation time.
public static class WebhookIds
{
    public const string EventPrefix = "msg_";
    public const string SubscriptionPrefix = "sub_";
    public const string DeliveryPrefix = "dlv_";
    public const string OrderPrefix = "ord_";

    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public static string New(string prefix, DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        var milliseconds = (ulong)now.ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)milliseconds;
            milliseconds >>= 8;
        }

        RandomNumberGenerator.Fill(bytes[6..]);

        Span<char> text = stackalloc char[prefix.Length + 26];
        prefix.CopyTo(text);
        var value = new UInt128(
            ((ulong)bytes[0] << 56) | ((ulong)bytes[1] << 48) | ((ulong)bytes[2] << 40) | ((ulong)bytes[3] << 32)
            | ((ulong)bytes[4] << 24) | ((ulong)bytes[5] << 16) | ((ulong)bytes[6] << 8) | bytes[7],
            ((ulong)bytes[8] << 56) | ((ulong)bytes[9] << 48) | ((ulong)bytes[10] << 40) | ((ulong)bytes[11] << 32)
            | ((ulong)bytes[12] << 24) | ((ulong)bytes[13] << 16) | ((ulong)bytes[14] << 8) | bytes[15]);
        for (var i = text.Length - 1; i >= prefix.Length; i--)
        {
            text[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return new string(text);
    }
}
