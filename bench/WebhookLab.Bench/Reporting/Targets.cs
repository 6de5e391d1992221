using WebhookLab.Bench.Scenarios;

namespace WebhookLab.Bench.Reporting;

// One target line of the report: met, not met, or not measured in this run. Targets are reported, never asserted.
public sealed record TargetCheck(string Target, string Figure, bool? Met);

public static class Targets
{
    public const double BurstRate = 15_000;
    public const double BurstCeilingShare = 0.40;
    public const double FanOutRate = 15_000;
    public const double SteadyP99Ms = 50;
    public const double LowLoadP50Ms = 5;
    public const double BacklogRate = 10_000;
    public const long BacklogSize = 1_000_000;
    public const long BacklogRssBytes = 400L * 1024 * 1024;
    // Attempts per delivery within this share of 1 / (1 - p).
    public const double AttemptsTolerance = 0.05;

    public static IReadOnlyList<TargetCheck> Evaluate(IReadOnlyList<ScenarioResult> results, BenchOptions options)
    {
        ScenarioResult? Find(string key) => results.FirstOrDefault(r => r.Key == key && r.Error is null);
        var burst = Find("burst");
        var fanOut = Find("fanout");
        var steady = Find("steady");
        var lowLoad = Find("lowload");
        var failures = Find("failures");
        var backlog = Find("backlog");
        var sizeNote = options.Smoke ? " (smoke sizes)" : "";

        var failureTheory = failures?.Figures.GetValueOrDefault("theoreticalAttemptsPerDelivery") ?? 1 / (1 - options.FailureRate);
        return
        [
            new("Burst ≥ 15,000 deliveries/s end to end" + sizeNote, Rate(burst?.DeliveriesPerSecond), At(burst?.DeliveriesPerSecond, v => v >= BurstRate)),
            new("Burst ≥ 40% of the ceiling", Percent(burst?.CeilingRatio), At(burst?.CeilingRatio, v => v >= BurstCeilingShare)),
            new("Fan-out ≥ 15,000 deliveries/s" + sizeNote, Rate(fanOut?.DeliveriesPerSecond), At(fanOut?.DeliveriesPerSecond, v => v >= FanOutRate)),
            new($"Steady at half the burst rate: p99 ≤ {SteadyP99Ms} ms", Ms(steady?.Latency?.P99), At(steady?.Latency?.P99, v => v <= SteadyP99Ms)),
            new($"Low load {options.LowLoadRate:0} events/s: p50 ≤ {LowLoadP50Ms} ms", Ms(lowLoad?.Latency?.P50), At(lowLoad?.Latency?.P50, v => v <= LowLoadP50Ms)),
            new($"Backlog of {BacklogSize:N0} drains at ≥ 10,000 deliveries/s" + (backlog is not null && backlog.Events < BacklogSize ? $" (this run: {backlog.Events:N0})" : ""),
                Rate(backlog?.DeliveriesPerSecond), At(backlog?.DeliveriesPerSecond, v => v >= BacklogRate)),
            new("Backlog: emitter peak RSS < 400 MB",
                Mb(backlog?.Resources?.EmitterPeakRssBytes) + (backlog?.Resources is { EmitterMaxAnonRssBytes: > 0 } r
                    ? $" (VmHWM; largest anonymous part {Mb(r.EmitterMaxAnonRssBytes)}, file-backed {Mb(r.EmitterMaxFileRssBytes)})" : ""),
                At(backlog?.Resources?.EmitterPeakRssBytes, v => v < BacklogRssBytes)),
            new($"{options.FailureRate * 100:0}% failures: every event delivered", failures?.Correctness.Summary ?? "not run", failures?.Correctness.Passed),
            new($"{options.FailureRate * 100:0}% failures: attempts/delivery close to {failureTheory:0.00} (within {AttemptsTolerance * 100:0}%)",
                failures?.AttemptsPerDelivery is { } a ? $"{a:0.000}" : "not run",
                failures?.AttemptsPerDelivery is { } attempts ? Math.Abs(attempts / failureTheory - 1) <= AttemptsTolerance : null),
            new("Nothing lost or processed twice, in every scenario",
                $"{results.Count(r => r.Correctness.Passed)} of {results.Count} scenarios passed the check",
                results.Count == 0 ? null : results.All(r => r.Correctness.Passed)),
        ];
    }

    private static bool? At(double? value, Func<double, bool> meets) => value is { } v ? meets(v) : null;

    public static string Rate(double? perSecond) => perSecond is { } r ? $"{r:N0}/s" : "not run";

    public static string Percent(double? ratio) => ratio is { } r ? $"{r * 100:0}%" : "not run";

    public static string Ms(double? ms) => ms is { } m ? $"{m:0.#} ms" : "not run";

    public static string Mb(long? bytes) => bytes is { } b ? $"{b / 1024.0 / 1024.0:N0} MB" : "not run";
}
