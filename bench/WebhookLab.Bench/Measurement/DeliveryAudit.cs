using HdrHistogram;

namespace WebhookLab.Bench.Measurement;

public sealed record AuditResult(CorrectnessResult Correctness, LatencyFigures? Latency, long LastStoredBeforeCutoff);

// Compares the emitter's events with the receiver's inbox, row by row, and measures each event's end-to-end latency:
// received_at at the receiver minus created_at at the emitter (both unix milliseconds from the same clock).
public static class DeliveryAudit
{
    private const int MaxSamples = 5;

    public static AuditResult Run(EmitterDatabase emitter, ReceiverDatabase receiver, IReadOnlyCollection<string> acceptedIds, long measureFrom, long cutoff = 0)
    {
        var events = emitter.Events();
        var totals = emitter.Totals(0);
        var histogram = LatencyFigures.NewMillisecondHistogram();
        var seen = new HashSet<string>(events.Count, StringComparer.Ordinal);
        var samples = new List<string>();
        long stored = 0, extra = 0, duplicates = 0, unprocessed = 0, underReceived = 0, redeliveries = 0, lastBeforeCutoff = 0;

        foreach (var row in receiver.Exists ? receiver.Rows() : Enumerable.Empty<InboxRow>())
        {
            stored++;
            if (row.ProcessedAt is null)
            {
                unprocessed++;
            }

            if (!events.TryGetValue(row.WebhookId, out var sent) || sent.Deliveries == 0)
            {
                extra++;
                Sample(samples, $"extra {row.WebhookId}");
                continue;
            }

            if (!seen.Add(row.WebhookId))
            {
                duplicates++;
                Sample(samples, $"duplicate {row.WebhookId}");
            }

            if (row.ReceiveCount < sent.Deliveries)
            {
                underReceived++;
                Sample(samples, $"{row.WebhookId} received {row.ReceiveCount} times for {sent.Deliveries} deliveries");
            }

            redeliveries += Math.Max(0, row.ReceiveCount - sent.Deliveries);
            if (sent.CreatedAt >= measureFrom)
            {
                LatencyFigures.Record(histogram, row.ReceivedAt - sent.CreatedAt);
            }

            if (sent.CreatedAt < cutoff)
            {
                lastBeforeCutoff = Math.Max(lastBeforeCutoff, row.ReceivedAt);
            }
        }

        var expected = events.Count(e => e.Value.Deliveries > 0);
        var missing = 0L;
        foreach (var (id, sent) in events)
        {
            if (sent.Deliveries > 0 && !seen.Contains(id))
            {
                missing++;
                Sample(samples, $"missing {id}");
            }
        }

        var acceptedNotStored = acceptedIds.Count(id => !events.ContainsKey(id));
        var correctness = new CorrectnessResult
        {
            ExpectedWebhooks = expected,
            StoredWebhooks = stored,
            Missing = missing,
            Extra = extra,
            DuplicateRows = duplicates,
            Unprocessed = unprocessed,
            UnderReceived = underReceived,
            Redeliveries = redeliveries,
            AcceptedNotStored = acceptedNotStored,
            ExpectedDeliveries = events.Values.Sum(e => (long)e.Deliveries),
            SucceededDeliveries = totals.Succeeded,
            DeadDeliveries = totals.Dead,
            OpenDeliveries = totals.Pending + totals.Failed,
            Samples = samples,
        };
        return new AuditResult(correctness, LatencyFigures.From(histogram), lastBeforeCutoff);
    }

    public static LatencyFigures? Latencies(IEnumerable<long> milliseconds)
    {
        var histogram = LatencyFigures.NewMillisecondHistogram();
        foreach (var value in milliseconds)
        {
            LatencyFigures.Record(histogram, value);
        }

        return LatencyFigures.From(histogram);
    }

    private static void Sample(List<string> samples, string text)
    {
        if (samples.Count < MaxSamples)
        {
            samples.Add(text);
        }
    }
}
