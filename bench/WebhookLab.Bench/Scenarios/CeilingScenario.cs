using System.Globalization;
using WebhookLab.Bench.Hosting;
using WebhookLab.Bench.Load;
using WebhookLab.Bench.Measurement;
using WebhookLab.Bench.Terminal;

namespace WebhookLab.Bench.Scenarios;

// What the receiver takes when nothing else is in the way: signed POSTs straight from the bench at full speed, with
// N requests in flight, at several levels of N in turn (its group commit grows with the requests waiting); the
// ceiling is the best level. A fresh receiver of the same build and settings as the other scenarios'; no emitter runs.
public sealed class CeilingScenario : Scenario
{
    public override string Key => "ceiling";

    public override string Title => "Ceiling: signed webhooks straight to the receiver";

    public override async Task<ScenarioResult> RunAsync(ScenarioContext context, IScenarioProgress progress, CancellationToken cancellationToken)
    {
        var options = context.Options;
        await using var lab = await LabServices.StartAsync(Key, context.Binaries, options, new LabSettings { StartEmitter = false }, context.WorkDirectory, cancellationToken);
        var receiverDb = new ReceiverDatabase(lab.ReceiverDatabasePath);
        var body = new PayloadFactory(options.PayloadBytes).Webhook("bench.ceiling", DateTimeOffset.UtcNow);
        var load = new SignedWebhookLoad(lab.Webhooks, lab.Secret, body);

        var measureFrom = ScenarioRun.Now();
        lab.BeginMeasurement();
        var levels = new List<(int Concurrency, SignedLoadOutcome Outcome, double StartSeconds)>();
        long succeeded = 0, failed = 0;
        string? firstError = null;
        foreach (var concurrency in options.CeilingConcurrency)
        {
            // The first level also warms the receiver up (JIT tiers, pools, SQLite caches); the later ones only fill their connections.
            var warmUp = levels.Count == 0 ? options.CeilingWarmUp : TimeSpan.FromSeconds(Math.Min(1, options.CeilingWarmUp.TotalSeconds));
            var start = (ScenarioRun.Now() - measureFrom) / 1000.0 + warmUp.TotalSeconds;
            var running = load.RunAsync(concurrency.ToString(CultureInfo.InvariantCulture), warmUp, options.CeilingDuration, concurrency, cancellationToken);
            var clock = ScenarioRun.Clock();
            await Poll.UntilAsync(() => running.IsCompleted, warmUp + options.CeilingDuration + TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(250), cancellationToken, () =>
            {
                lab.Sample();
                var sent = succeeded + load.Succeeded;
                progress.Report(new ProgressFigures($"{concurrency} in flight", sent, sent, sent, sent, load.Succeeded / Math.Max(0.001, clock.Elapsed.TotalSeconds)));
            });
            var outcome = await running;
            succeeded += outcome.Succeeded;
            failed += outcome.Failed;
            firstError ??= outcome.FirstError;
            levels.Add((concurrency, outcome, start));
        }

        var resources = lab.EndMeasurement();
        await Poll.UntilAsync(() => receiverDb.UnprocessedCount() == 0, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200), cancellationToken);

        var stored = receiverDb.StoredCount();
        var correctness = new CorrectnessResult
        {
            ExpectedWebhooks = succeeded,
            StoredWebhooks = stored,
            Missing = Math.Max(0, succeeded - stored),
            Extra = Math.Max(0, stored - succeeded),
            Unprocessed = receiverDb.UnprocessedCount(),
            Redeliveries = receiverDb.TotalReceives() - stored,
            ExpectedDeliveries = succeeded,
            SucceededDeliveries = succeeded,
            Error = failed > 0 ? $"{failed:N0} requests failed ({firstError})" : null,
        };
        static double Rate(SignedLoadOutcome o) => o.MeasuredSucceeded / o.MeasuredSeconds;
        var best = levels.MaxBy(l => Rate(l.Outcome));
        context.CeilingRate = Rate(best.Outcome);
        var bucketMs = resources.WallSeconds < 15 ? 250 : 1000;
        return new ScenarioResult
        {
            Key = Key,
            Title = Title,
            Description = $"Concurrent HttpClient requests at {string.Join(", ", options.CeilingConcurrency)} in flight, {options.CeilingDuration.TotalSeconds:0.#} s each "
                + $"after a warm-up ({options.CeilingWarmUp.TotalSeconds:0.#} s before the first level); each webhook signed per request with WebhookSigner, "
                + $"nothing stored on the sending side. The ceiling is the best level: {best.Concurrency} in flight. Latency: one POST as the sender saw it, at that level.",
            Events = best.Outcome.MeasuredSucceeded,
            Deliveries = best.Outcome.MeasuredSucceeded,
            DeliverySeconds = best.Outcome.MeasuredSeconds,
            DeliveriesPerSecond = context.CeilingRate,
            CeilingRatio = 1,
            Latency = LatencyFigures.From(best.Outcome.RequestMicroseconds, 0.001),
            AttemptsPerDelivery = 1,
            Resources = resources,
            Correctness = correctness,
            Delivered = ScenarioRun.Series(receiverDb.ReceivedPerBucket(measureFrom, bucketMs), bucketMs),
            Markers = [.. levels.Select(l => new ChartMarker(l.StartSeconds, $"{l.Concurrency} in flight"))],
            Figures = levels.ToDictionary(l => $"deliveriesPerSecondAt_{l.Concurrency}_InFlight", l => Math.Round(Rate(l.Outcome)))
                .Concat(levels.Select(l => KeyValuePair.Create($"p99MsAt_{l.Concurrency}_InFlight", l.Outcome.RequestMicroseconds.GetValueAtPercentile(99) / 1000.0)))
                .ToDictionary(),
            Settings = new Dictionary<string, string> { ["concurrency"] = string.Join(",", options.CeilingConcurrency) },
        };
    }
}
