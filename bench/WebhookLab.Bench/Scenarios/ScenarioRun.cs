using System.Diagnostics;
using Microsoft.Data.Sqlite;
using WebhookLab.Bench.Hosting;
using WebhookLab.Bench.Load;
using WebhookLab.Bench.Measurement;
using WebhookLab.Bench.Terminal;

namespace WebhookLab.Bench.Scenarios;

// One scenario's services and measurement: warm-up, the measured interval, the wait for every delivery, and the
// figures read from both databases at the end.
public sealed class ScenarioRun : IAsyncDisposable
{
    private static readonly TimeSpan WarmUpTimeout = TimeSpan.FromMinutes(2);
    private const int MaxWarmUpRounds = 30;
    private static readonly TimeSpan ProcessingTimeout = TimeSpan.FromSeconds(60);

    // Unix milliseconds when the last event created before the cutoff was stored.
    public const string LastStoredBeforeCutoff = "lastStoredBeforeCutoffMs";

    private readonly ScenarioContext _context;
    private readonly IScenarioProgress _progress;
    private readonly PayloadFactory _payloads;
    private long _delivered;
    // What the warm-up delivered: progress shows the measured deliveries only.
    private long _deliveredBefore;
    private (long At, long Delivered) _rateMark;
    private double _rate;

    private ScenarioRun(ScenarioContext context, IScenarioProgress progress, LabServices lab, int subscriptions)
    {
        _context = context;
        _progress = progress;
        Lab = lab;
        Subscriptions = subscriptions;
        EmitterDb = new EmitterDatabase(lab.EmitterDatabasePath);
        ReceiverDb = new ReceiverDatabase(lab.ReceiverDatabasePath);
        _payloads = new PayloadFactory(context.Options.PayloadBytes);
        Publisher = NewPublisher(new PublishCounter());
    }

    public LabServices Lab { get; }

    public EmitterDatabase EmitterDb { get; }

    public ReceiverDatabase ReceiverDb { get; }

    // The measured events' publisher; its counter holds every accepted id.
    public EventPublisher Publisher { get; }

    public int Subscriptions { get; }

    public BenchOptions Options => _context.Options;

    // Unix milliseconds when the measured publishing started.
    public long MeasureFrom { get; private set; }

    public string Phase { get; set; } = "publishing";

    public long PublishTarget { get; set; }

    public static async Task<ScenarioRun> StartAsync(ScenarioContext context, IScenarioProgress progress, string name, LabSettings settings, CancellationToken cancellationToken)
    {
        var lab = await LabServices.StartAsync(name, context.Binaries, context.Options, settings, context.WorkDirectory, cancellationToken);
        return new ScenarioRun(context, progress, lab, settings.Subscriptions);
    }

    public EventPublisher NewPublisher(PublishCounter counter) =>
        new(Lab.EmitterApi, _payloads, Options.PublishMode, Options.BatchSize, counter);

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    // JIT, connection pools and SQLite caches warm, before anything is measured; these events are checked like the rest.
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        if (Options.WarmUpEvents == 0)
        {
            return;
        }

        Phase = "warm-up";
        var clock = Clock();
        var warmUp = NewPublisher(new PublishCounter());
        for (var round = 1; round <= MaxWarmUpRounds; round++)
        {
            PublishTarget = round * (long)Options.WarmUpEvents;
            var publishing = warmUp.PublishAsync("bench.warmup", Options.WarmUpEvents, Options.Publishers, cancellationToken);
            if (!await WaitDrainedAsync(publishing, warmUp.Counter, WarmUpTimeout, cancellationToken))
            {
                throw new TimeoutException($"A warm-up round of {Options.WarmUpEvents:N0} events was not all delivered within {WarmUpTimeout.TotalSeconds:0} s.");
            }

            if (clock.Elapsed >= Options.WarmUpDuration)
            {
                return;
            }
        }
    }

    public void BeginMeasurement()
    {
        Phase = "publishing";
        _deliveredBefore = DeliveredNow();
        MeasureFrom = Now();
        Lab.BeginMeasurement();
    }

    // Delivered so far: webhook-ids stored at the receiver, or, fanned out, every receipt of them.
    public long DeliveredNow()
    {
        try
        {
            return Subscriptions > 1 ? ReceiverDb.TotalReceives() : ReceiverDb.StoredCount();
        }
        catch (SqliteException)
        {
            // The receiver is stopped (its WAL files are gone): the last figure stands.
            return Interlocked.Read(ref _delivered);
        }
    }

    // Every event the emitter holds is stored at the receiver, and no delivery is waiting.
    public bool Drained()
    {
        try
        {
            return ReceiverDb.StoredCount() >= EmitterDb.EventCount() && EmitterDb.OpenDeliveries() == 0;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    public Task<bool> WaitDrainedAsync(Task publishing, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitDrainedAsync(publishing, Publisher.Counter, timeout, cancellationToken);

    private async Task<bool> WaitDrainedAsync(Task publishing, PublishCounter counter, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var drained = await WaitAsync(() => publishing.IsCompleted && Drained(), counter, timeout, cancellationToken);
        await publishing;
        return drained;
    }

    // Waits for the condition within the timeout, showing progress and sampling the processes' memory all along.
    public Task<bool> WaitAsync(Func<bool> condition, PublishCounter counter, TimeSpan timeout, CancellationToken cancellationToken, TimeSpan? interval = null) =>
        Poll.UntilAsync(condition, timeout, interval ?? TimeSpan.FromMilliseconds(200), cancellationToken, () => ShowProgress(counter));

    public void ShowProgress(PublishCounter counter, long? delivered = null)
    {
        Lab.Sample();
        var now = Now();
        var count = delivered ?? DeliveredNow();
        Interlocked.Exchange(ref _delivered, count);
        if (now - _rateMark.At >= 1000)
        {
            _rate = _rateMark.At == 0 ? 0 : (count - _rateMark.Delivered) * 1000.0 / (now - _rateMark.At);
            _rateMark = (now, count);
        }

        var target = Math.Max(PublishTarget, counter.Accepted) * Subscriptions;
        var shown = Phase == "warm-up" ? count : count - _deliveredBefore;
        _progress.Report(new ProgressFigures(Phase, counter.Accepted, PublishTarget, shown, target, _rate));
    }

    public async Task WaitProcessedAsync(CancellationToken cancellationToken) =>
        await Poll.UntilAsync(() => ReceiverDb.UnprocessedCount() == 0, ProcessingTimeout, TimeSpan.FromMilliseconds(200), cancellationToken);

    // The scenario's figures from both databases: rates, latency, attempts, resources, series and the correctness check.
    public async Task<ScenarioResult> FinishAsync(string key, string title, string description, bool drained, TimeSpan timeout, CancellationToken cancellationToken,
        long cutoff = 0, IReadOnlyList<ChartMarker>? markers = null, long? deliveryWindowFrom = null)
    {
        var resources = Lab.EndMeasurement();
        await WaitProcessedAsync(cancellationToken);
        var counter = Publisher.Counter;
        var audit = DeliveryAudit.Run(EmitterDb, ReceiverDb, counter.Ids, MeasureFrom, cutoff);
        var correctness = drained
            ? audit.Correctness
            : audit.Correctness with { Error = $"not every delivery was done within {timeout.TotalSeconds:0} s" };
        var totals = EmitterDb.Totals(MeasureFrom);

        // Delivered means stored at the receiver; fanned out, the emitter's record of each delivery's successful end.
        var lastDelivered = Subscriptions > 1 ? EmitterDb.MaxCompletedAt(MeasureFrom) : ReceiverDb.MaxReceivedAt();
        var windowFrom = deliveryWindowFrom ?? MeasureFrom;
        var deliverySeconds = Math.Max(0.001, (lastDelivered - windowFrom) / 1000.0);
        var publishSeconds = Math.Max(0.001, (counter.LastAcceptedAt - MeasureFrom) / 1000.0);
        var bucketMs = resources.WallSeconds < 15 ? 250 : 1000;
        return new ScenarioResult
        {
            Key = key,
            Title = title,
            Description = description,
            Events = counter.Accepted,
            Deliveries = totals.Succeeded,
            PublishFailures = counter.Failed,
            PublishError = counter.FirstError,
            EventsAcceptedPerSecond = counter.Accepted > 0 ? counter.Accepted / publishSeconds : null,
            DeliverySeconds = deliverySeconds,
            DeliveriesPerSecond = totals.Succeeded > 0 && lastDelivered > 0 ? totals.Succeeded / deliverySeconds : null,
            CeilingRatio = totals.Succeeded > 0 && _context.CeilingRate is > 0 && lastDelivered > 0 ? totals.Succeeded / deliverySeconds / _context.CeilingRate : null,
            Latency = audit.Latency,
            DeliveryLatency = Subscriptions > 1 ? DeliveryAudit.Latencies(EmitterDb.DeliveryLatencies(MeasureFrom)) : null,
            AttemptsPerDelivery = totals.Deliveries > 0 ? (double)totals.Attempts / totals.Deliveries : null,
            Resources = resources,
            Correctness = correctness,
            Delivered = Series(Subscriptions > 1 ? EmitterDb.CompletedPerBucket(MeasureFrom, bucketMs) : ReceiverDb.ReceivedPerBucket(MeasureFrom, bucketMs), bucketMs),
            Published = Series(EmitterDb.CreatedPerBucket(MeasureFrom, bucketMs), bucketMs),
            Markers = markers ?? [],
            Settings = Settings(),
            Figures = cutoff > 0 ? new Dictionary<string, double> { [LastStoredBeforeCutoff] = audit.LastStoredBeforeCutoff } : new Dictionary<string, double>(),
        };
    }

    private Dictionary<string, string> Settings()
    {
        var settings = new Dictionary<string, string>
        {
            ["subscriptions"] = Subscriptions.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return settings;
    }

    // Per-second rates of each bucket, with the empty buckets (nothing delivered: an outage) as zeros.
    public static List<SeriesPoint> Series(IReadOnlyList<(double Seconds, long Count)> buckets, int bucketMs)
    {
        var counts = buckets.ToDictionary(b => (long)Math.Round(b.Seconds * 1000 / bucketMs), b => b.Count);
        var last = counts.Count == 0 ? -1 : counts.Keys.Max();
        var points = new List<SeriesPoint>();
        for (var i = 0L; i <= last; i++)
        {
            points.Add(new SeriesPoint(i * bucketMs / 1000.0, counts.GetValueOrDefault(i) * 1000.0 / bucketMs));
        }

        return points;
    }

    public async ValueTask DisposeAsync() => await Lab.DisposeAsync();

    public static Stopwatch Clock() => Stopwatch.StartNew();
}
