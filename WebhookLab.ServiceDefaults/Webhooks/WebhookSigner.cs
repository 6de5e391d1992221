using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace WebhookLab.ServiceDefaults.Webhooks;

// Computes Standard Webhooks v1 signatures: base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).
public static class WebhookSigner
{
    public const string VersionPrefix = "v1,";
    public const int SignatureBytes = 32;

    public static void ComputeSignature(ReadOnlySpan<byte> key, string webhookId, long timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        // "{id}.{timestamp}." is signed in one pass with the body through a pooled buffer: no string concatenation per delivery.
        var prefixLength = Encoding.UTF8.GetMaxByteCount(webhookId.Length) + 22;
        var buffer = ArrayPool<byte>.Shared.Rent(prefixLength + body.Length);
        try
        {
            var written = Encoding.UTF8.GetBytes(webhookId, buffer);
            buffer[written++] = (byte)'.';
            Utf8Formatter.TryFormat(timestamp, buffer.AsSpan(written), out var timestampLength);
            written += timestampLength;
            buffer[written++] = (byte)'.';
            body.CopyTo(buffer.AsSpan(written));
            written += body.Length;
            HMACSHA256.HashData(key, buffer.AsSpan(0, written), destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static string Sign(WebhookSecret secret, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> signature = stackalloc byte[SignatureBytes];
        ComputeSignature(secret.Key, webhookId, timestamp, body, signature);
        return VersionPrefix + Convert.ToBase64String(signature);
    }

    // The webhook-signature header value: one v1 signature per secret, separated by spaces (several during a secret rotation).
    public static string SignatureHeader(IReadOnlyList<WebhookSecret> secrets, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        if (secrets.Count == 1)
        {
            return Sign(secrets[0], webhookId, timestamp, body);
        }

        var parts = new string[secrets.Count];
        for (var i = 0; i < secrets.Count; i++)
        {
            parts[i] = Sign(secrets[i], webhookId, timestamp, body);
        }

        return string.Join(' ', parts);
    }
}
