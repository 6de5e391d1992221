namespace WebhookLab.Receiver.Diagnostics;

public sealed record RejectedWebhooks(long InvalidSignature, long Expired, long Malformed, long TooLarge);

// Rejected webhook requests since the process started, counted in memory: hostile traffic must never cause a write.
public sealed class RejectionCounts(TimeProvider timeProvider)
{
    private long _invalidSignature;
    private long _expired;
    private long _malformed;
    private long _tooLarge;

    public DateTimeOffset Since { get; } = timeProvider.GetUtcNow();

    public void Count(string outcome)
    {
        switch (outcome)
        {
            case WebhookOutcome.InvalidSignature:
                Interlocked.Increment(ref _invalidSignature);
                break;
            case WebhookOutcome.Expired:
                Interlocked.Increment(ref _expired);
                break;
            case WebhookOutcome.Malformed:
                Interlocked.Increment(ref _malformed);
                break;
            case WebhookOutcome.TooLarge:
                Interlocked.Increment(ref _tooLarge);
                break;
        }
    }

    public RejectedWebhooks Read() => new(
        Interlocked.Read(ref _invalidSignature),
        Interlocked.Read(ref _expired),
        Interlocked.Read(ref _malformed),
        Interlocked.Read(ref _tooLarge));
}
