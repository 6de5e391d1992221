using HdrHistogram;

namespace WebhookLab.Bench.Measurement;

// Percentiles of a latency distribution, in milliseconds.
public sealed record LatencyFigures(long Count, double P50, double P95, double P99, double Max, double Mean)
{
    public const long HighestMs = 24L * 3600 * 1000;

    public static LongHistogram NewMillisecondHistogram() => new(HighestMs, 3);

    public static LatencyFigures? From(LongHistogram histogram, double scale = 1)
    {
        if (histogram.TotalCount == 0)
        {
            return null;
        }

        return new LatencyFigures(
            histogram.TotalCount,
            histogram.GetValueAtPercentile(50) * scale,
            histogram.GetValueAtPercentile(95) * scale,
            histogram.GetValueAtPercentile(99) * scale,
            histogram.GetMaxValue() * scale,
            Math.Round(histogram.GetMean() * scale, 3));
    }

    public static void Record(LongHistogram histogram, long milliseconds) =>
        histogram.RecordValue(Math.Clamp(milliseconds, 0, HighestMs));
}
