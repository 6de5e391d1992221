using System.Security.Cryptography;

namespace WebhookLab.ServiceDefaults.Webhooks;

public enum SignatureCheck
{
    Valid,
    MissingHeaders,
    InvalidTimestamp,
    Expired,
    InvalidSignature,
}

// Verifies Standard Webhooks v1 requests against one or more secrets (more than one while a secret is rotated).
public sealed class SignatureVerifier
{
    private readonly IReadOnlyList<WebhookSecret> _secrets;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _tolerance;

    public SignatureVerifier(IReadOnlyList<WebhookSecret> secrets, TimeProvider timeProvider, TimeSpan tolerance)
    {
        if (secrets.Count == 0)
        {
            throw new ArgumentException("At least one signing secret is required.", nameof(secrets));
        }

        _secrets = secrets;
        _timeProvider = timeProvider;
        _tolerance = tolerance;
    }

    public SignatureCheck Verify(string? webhookId, string? timestamp, string? signatureHeader, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(webhookId) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHeader))
        {
            return SignatureCheck.MissingHeaders;
        }

        if (!long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return SignatureCheck.InvalidTimestamp;
        }

        // The window applies both ways: a timestamp from the future is as suspicious as an old one (replays).
        var now = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - seconds) > (long)_tolerance.TotalSeconds)
        {
            return SignatureCheck.Expired;
        }

        Span<byte> expected = stackalloc byte[WebhookSigner.SignatureBytes];
        Span<byte> presented = stackalloc byte[WebhookSigner.SignatureBytes + 3];
        foreach (var secret in _secrets)
        {
            WebhookSigner.ComputeSignature(secret.Key, webhookId, seconds, body, expected);
            foreach (var range in signatureHeader.AsSpan().Split(' '))
            {
                var candidate = signatureHeader.AsSpan(range);
                // Unknown versions (v1a, v2, ...) are skipped, as the specification asks.
                if (!candidate.StartsWith(WebhookSigner.VersionPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                if (Convert.TryFromBase64Chars(candidate[WebhookSigner.VersionPrefix.Length..], presented, out var length)
                    && length == WebhookSigner.SignatureBytes
                    && CryptographicOperations.FixedTimeEquals(expected, presented[..length]))
                {
                    return SignatureCheck.Valid;
                }
            }
        }

        return SignatureCheck.InvalidSignature;
    }
}
