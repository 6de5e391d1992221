using WebhookLab.Bench.Hosting;
using WebhookLab.Bench.Measurement;
using WebhookLab.Bench.Terminal;

namespace WebhookLab.Bench.Scenarios;

// A steady load while the receiver process is stopped (SIGTERM) for a while and started again on the same database file:
// how long after it is back every event published before that moment is stored.
public sealed class OutageScenario : Scenario
{
    // Retries come every 10 s at most (2 s in a smoke run), so the drain is measured rather than the schedule's longest wait.
    private static TimeSpan[] RetrySchedule(bool smoke) => smoke
        ? [TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1), .. Enumerable.Repeat(TimeSpan.FromSeconds(2), 40)]
        : [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), .. Enumerable.Repeat(TimeSpan.FromSeconds(10), 30)];

    public override string Key => "outage";

    public override string Title => "Receiver outage under steady load";

    public override async Task<ScenarioResult> RunAsync(ScenarioContext context, IScenarioProgress progress, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var schedule = RetrySchedule(options.Smoke);
        var settings = new LabSettings { Emitter = new Dictionary<string, string>(LabSettings.RetrySchedule(schedule)) };
        await using var run = await ScenarioRun.StartAsync(context, progress, Key, settings, cancellationToken);
        await run.WarmUpAsync(cancellationToken);

        var length = options.OutageLead + options.OutageDuration + options.OutageTail;
        run.BeginMeasurement();
        run.PublishTarget = (long)(options.OutageRate * length.TotalSeconds);
        var publishing = run.Publisher.PublishAtRateAsync("bench.outage", options.OutageRate, length, 256, cancellationToken);

        // The deliberate outage: the receiver is down for OutageDuration while the load goes on.
        run.Phase = "before the outage";
        await Task.Delay(options.OutageLead, cancellationToken);
        var stoppedAt = ScenarioRun.Now();
        run.Phase = "receiver stopped";
        await run.Lab.StopReceiverAsync();
        await Poll.UntilAsync(() => false, options.OutageDuration, TimeSpan.FromMilliseconds(250), cancellationToken, () => run.ShowProgress(run.Publisher.Counter));
        await run.Lab.StartReceiverAsync(cancellationToken);
        var backAt = ScenarioRun.Now();
        var openAtReturn = run.EmitterDb.OpenDeliveries();
        run.Phase = "receiver back";

        var drained = await run.WaitDrainedAsync(publishing, length + options.DrainTimeout, cancellationToken);
        var result = await run.FinishAsync(Key, Title,
            $"{options.OutageRate:N0} events/s for {length.TotalSeconds:0} s; the receiver stopped (SIGTERM) {options.OutageLead.TotalSeconds:0} s in, started again {options.OutageDuration.TotalSeconds:0} s later on the same database; retry schedule {LabSettings.Describe(schedule.Take(4))} ... (±20% jitter), circuit breaker at its defaults.",
            drained, length + options.DrainTimeout, cancellationToken, cutoff: backAt,
            markers: [new ChartMarker((stoppedAt - run.MeasureFrom) / 1000.0, "receiver stopped"), new ChartMarker((backAt - run.MeasureFrom) / 1000.0, "receiver back")]);

        var lastBefore = (long)result.Figures[ScenarioRun.LastStoredBeforeCutoff];
        return result with
        {
            CeilingRatio = null,
            Figures = new Dictionary<string, double>
            {
                ["offeredEventsPerSecond"] = options.OutageRate,
                ["receiverDownSeconds"] = (backAt - stoppedAt) / 1000.0,
                ["openDeliveriesAtReturn"] = openAtReturn,
                // From the receiver being healthy again to the last event published before that moment being stored.
                ["drainSeconds"] = Math.Max(0, lastBefore - backAt) / 1000.0,
            },
            Settings = new Dictionary<string, string>(result.Settings) { ["retrySchedule"] = LabSettings.Describe(schedule.Take(4)) + " ..." },
        };
    }
}
