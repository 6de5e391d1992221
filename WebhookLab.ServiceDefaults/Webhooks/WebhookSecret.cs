using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace WebhookLab.ServiceDefaults.Webhooks;

// A Standard Webhooks signing secret: "whsec_" followed by the base64 of 24 to 64 random bytes.
public sealed class WebhookSecret
{
    public const string Prefix = "whsec_";
    public const int MinKeyBytes = 24;
    public const int MaxKeyBytes = 64;
    private const int GeneratedKeyBytes = 32;

    private readonly string _text;

    private WebhookSecret(byte[] key, string text)
    {
        Key = key;
        _text = text;
    }

    public byte[] Key { get; }

    public static WebhookSecret Generate()
    {
        var key = RandomNumberGenerator.GetBytes(GeneratedKeyBytes);
        return new WebhookSecret(key, Prefix + Convert.ToBase64String(key));
    }

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out WebhookSecret? secret)
    {
        secret = null;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var encoded = text.AsSpan(Prefix.Length);
        Span<byte> buffer = stackalloc byte[MaxKeyBytes + 3];
        if (!Convert.TryFromBase64Chars(encoded, buffer, out var written)
            || written < MinKeyBytes || written > MaxKeyBytes)
        {
            return false;
        }

        secret = new WebhookSecret(buffer[..written].ToArray(), text);
        return true;
    }

    public static WebhookSecret Parse(string text) =>
        TryParse(text, out var secret)
            ? secret
            // The message never repeats the value: it is a secret even when malformed.
            : throw new FormatException($"A webhook secret must be '{Prefix}' followed by the base64 of {MinKeyBytes} to {MaxKeyBytes} bytes.");

    // The full secret, for the one place that may show it: the answer to whoever created or rotated it.
    public string Reveal() => _text;

    // A form safe for listings and logs: no key material, only a short fingerprint to tell two secrets apart.
    public string Masked => Prefix + "****" + Convert.ToHexStringLower(SHA256.HashData(Key))[..8];

    public override string ToString() => Masked;
}
