namespace WebhookLab.Bench.Measurement;

// What the two databases say about one scenario: every expected webhook-id stored exactly once and processed, nothing
// else stored, every delivery succeeded. Redeliveries (receive_count above what was sent) are reported, not errors.
public sealed record CorrectnessResult
{
    public long ExpectedWebhooks { get; init; }
    public long StoredWebhooks { get; init; }
    public long Missing { get; init; }
    public long Extra { get; init; }
    public long DuplicateRows { get; init; }
    public long Unprocessed { get; init; }
    // Events whose row counts fewer receipts than the emitter has deliveries for them (fan-out: fewer than one per subscription).
    public long UnderReceived { get; init; }
    public long Redeliveries { get; init; }
    // Event ids the emitter answered 202 for but does not hold.
    public long AcceptedNotStored { get; init; }
    public long ExpectedDeliveries { get; init; }
    public long SucceededDeliveries { get; init; }
    public long DeadDeliveries { get; init; }
    public long OpenDeliveries { get; init; }
    public IReadOnlyList<string> Samples { get; init; } = [];
    public string? Error { get; init; }

    public bool Passed => Error is null && Missing == 0 && Extra == 0 && DuplicateRows == 0 && Unprocessed == 0 && UnderReceived == 0
        && AcceptedNotStored == 0 && DeadDeliveries == 0 && OpenDeliveries == 0 && SucceededDeliveries == ExpectedDeliveries;

    public string Summary => Passed
        ? $"passed: {StoredWebhooks:N0} of {ExpectedWebhooks:N0} webhook-ids stored once and processed, {SucceededDeliveries:N0} deliveries succeeded"
        : "FAILED: " + string.Join(", ", Problems());

    private IEnumerable<string> Problems()
    {
        if (Error is not null) yield return Error;
        if (Missing > 0) yield return $"{Missing:N0} missing";
        if (Extra > 0) yield return $"{Extra:N0} extra";
        if (DuplicateRows > 0) yield return $"{DuplicateRows:N0} duplicate rows";
        if (Unprocessed > 0) yield return $"{Unprocessed:N0} unprocessed";
        if (UnderReceived > 0) yield return $"{UnderReceived:N0} with fewer receipts than deliveries";
        if (AcceptedNotStored > 0) yield return $"{AcceptedNotStored:N0} accepted but not in the emitter";
        if (DeadDeliveries > 0) yield return $"{DeadDeliveries:N0} dead deliveries";
        if (OpenDeliveries > 0) yield return $"{OpenDeliveries:N0} deliveries still open";
        if (SucceededDeliveries != ExpectedDeliveries) yield return $"{SucceededDeliveries:N0} of {ExpectedDeliveries:N0} deliveries succeeded";
    }

    public static CorrectnessResult Failed(string error) => new() { Error = error };
}
