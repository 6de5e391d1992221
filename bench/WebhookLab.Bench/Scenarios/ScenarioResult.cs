using WebhookLab.Bench.Hosting;
using WebhookLab.Bench.Measurement;

namespace WebhookLab.Bench.Scenarios;

public sealed record SeriesPoint(double Seconds, double PerSecond);

public sealed record ChartMarker(double Seconds, string Label);

// Every figure of one scenario. Rates are per second; latencies in milliseconds; Figures holds what only this scenario measures.
public sealed record ScenarioResult
{
    public required string Key { get; init; }
    public required string Title { get; init; }
    public string Description { get; init; } = "";
    public double WallSeconds { get; init; }
    public long Events { get; init; }
    public long Deliveries { get; init; }
    public long PublishFailures { get; init; }
    public string? PublishError { get; init; }
    public double? EventsAcceptedPerSecond { get; init; }
    public double? DeliverySeconds { get; init; }
    public double? DeliveriesPerSecond { get; init; }
    public double? CeilingRatio { get; init; }
    public LatencyFigures? Latency { get; init; }
    // Fan-out: each delivery's latency as the emitter recorded it (the receiver keeps only the first arrival of an id).
    public LatencyFigures? DeliveryLatency { get; init; }
    public double? AttemptsPerDelivery { get; init; }
    public ResourceFigures? Resources { get; init; }
    public required CorrectnessResult Correctness { get; init; }
    public IReadOnlyList<SeriesPoint> Delivered { get; init; } = [];
    public IReadOnlyList<SeriesPoint> Published { get; init; } = [];
    public IReadOnlyList<ChartMarker> Markers { get; init; } = [];
    public IReadOnlyDictionary<string, double> Figures { get; init; } = new Dictionary<string, double>();
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
    public string? Error { get; init; }
}
