using System.Net.Http.Json;
using System.Text.Json;
using WebhookLab.Bench.Hosting;
using WebhookLab.Bench.Load;
using WebhookLab.Bench.Terminal;

namespace WebhookLab.Bench.Scenarios;

// A large backlog built while the receiver is down, then drained: how fast, and how much memory the emitter needs.
// The build: the receiver is not started; the emitter's retry schedule is a single 1 h delay, so each delivery fails
// once, fast (connection refused, then the open circuit), and waits. Then the receiver starts, probe events are
// published until one is delivered (so the circuit is closed again), and POST /api/subscriptions/{id}/recover
// makes every failed delivery due at once. The drain runs from that call to the last webhook stored.
public sealed class BacklogScenario : Scenario
{
    private static readonly TimeSpan ProbeWait = TimeSpan.FromSeconds(3);
    private const int MaxProbes = 30;

    public override string Key => "backlog";

    public override string Title => "Backlog built with the receiver down, then drained";

    public override async Task<ScenarioResult> RunAsync(ScenarioContext context, IScenarioProgress progress, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var settings = new LabSettings
        {
            StartReceiver = false,
            Emitter = new Dictionary<string, string>(LabSettings.RetrySchedule(TimeSpan.FromHours(1)))
            {
                // A short break so that the circuit lets a probe through soon after the receiver is back.
                ["Emitter__Delivery__CircuitBreakerBreakDuration"] = "00:00:02",
            },
        };
        await using var run = await ScenarioRun.StartAsync(context, progress, Key, settings, cancellationToken);
        var counter = run.Publisher.Counter;

        run.BeginMeasurement();
        var buildStart = run.MeasureFrom;
        run.PublishTarget = options.BacklogDeliveries;
        run.Phase = "building (receiver down)";
        var publishing = run.Publisher.PublishAsync("bench.backlog", options.BacklogDeliveries, options.Publishers, cancellationToken);
        long unattempted = -1;
        var built = await run.WaitAsync(
            () => publishing.IsCompleted && (unattempted = run.EmitterDb.UnattemptedDeliveries()) == 0,
            counter, options.BacklogTimeout, cancellationToken, TimeSpan.FromSeconds(1));
        await publishing;
        var publishSeconds = (counter.LastAcceptedAt - buildStart) / 1000.0;
        var buildSeconds = (ScenarioRun.Now() - buildStart) / 1000.0;
        var afterBuild = run.Lab.Emitter?.Usage();
        if (!built)
        {
            context.Console.Line($"   backlog: {unattempted:N0} deliveries still unattempted after {options.BacklogTimeout.TotalSeconds:0} s; draining what there is");
        }

        run.Phase = "receiver starting";
        await run.Lab.StartReceiverAsync(cancellationToken);
        var probes = await ProbeAsync(run, cancellationToken);

        run.Phase = "draining";
        var recoverAt = ScenarioRun.Now();
        var emitterCpuBefore = run.Lab.Emitter?.Usage()?.CpuSeconds ?? 0;
        var receiverCpuBefore = run.Lab.Receiver?.Usage()?.CpuSeconds ?? 0;
        var since = LabServices.Iso(DateTimeOffset.FromUnixTimeMilliseconds(buildStart - 1000));
        long requeued;
        using (var recover = await run.Lab.EmitterApi.PostAsync($"api/subscriptions/{run.Lab.SubscriptionIds[0]}/recover?since={Uri.EscapeDataString(since)}", null, cancellationToken))
        {
            recover.EnsureSuccessStatusCode();
            requeued = (await recover.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("requeued").GetInt64();
        }

        long drainPeakRss = 0, drainPeakAnon = 0;
        var drained = await run.WaitAsync(() =>
        {
            var usage = run.Lab.Emitter?.Usage();
            drainPeakRss = Math.Max(drainPeakRss, usage?.RssBytes ?? 0);
            drainPeakAnon = Math.Max(drainPeakAnon, usage?.AnonRssBytes ?? 0);
            return run.Drained();
        }, counter, options.BacklogTimeout, cancellationToken, TimeSpan.FromMilliseconds(500));
        var emitterCpuDrain = (run.Lab.Emitter?.Usage()?.CpuSeconds ?? 0) - emitterCpuBefore;
        var receiverCpuDrain = (run.Lab.Receiver?.Usage()?.CpuSeconds ?? 0) - receiverCpuBefore;

        var result = await run.FinishAsync(Key, Title,
            $"{options.BacklogDeliveries:N0} events published at full speed with the receiver down; emitter retry schedule: one retry after 1 h, circuit breaker break 2 s. "
            + $"Then the receiver started, {probes} probe event(s) until one was delivered (circuit closed), and POST /api/subscriptions/{{id}}/recover?since=<start> re-queued every failed delivery at once. Deliveries/s is the drain: from the recover call to the last webhook stored.",
            drained && built, options.BacklogTimeout, cancellationToken, deliveryWindowFrom: recoverAt);
        var drainSeconds = result.DeliverySeconds ?? 0;
        return result with
        {
            DeliveriesPerSecond = drainSeconds > 0 ? requeued / drainSeconds : null,
            CeilingRatio = drainSeconds > 0 && context.CeilingRate is > 0 ? requeued / drainSeconds / context.CeilingRate : null,
            Figures = new Dictionary<string, double>
            {
                ["publishSeconds"] = publishSeconds,
                ["buildSeconds"] = buildSeconds,
                ["requeued"] = requeued,
                ["probes"] = probes,
                ["drainSeconds"] = drainSeconds,
                ["emitterRssAfterBuildBytes"] = afterBuild?.RssBytes ?? 0,
                ["emitterAnonRssAfterBuildBytes"] = afterBuild?.AnonRssBytes ?? 0,
                ["emitterFileRssAfterBuildBytes"] = afterBuild?.FileRssBytes ?? 0,
                ["emitterPeakRssDuringDrainBytes"] = drainPeakRss,
                ["emitterPeakAnonRssDuringDrainBytes"] = drainPeakAnon,
                ["emitterCpuSecondsDuringDrain"] = emitterCpuDrain,
                ["receiverCpuSecondsDuringDrain"] = receiverCpuDrain,
            },
        };
    }

    // Publishes one event at a time until one reaches the receiver: the circuit opened during the build is closed after it.
    private static async Task<int> ProbeAsync(ScenarioRun run, CancellationToken cancellationToken)
    {
        var probe = run.NewPublisher(new PublishCounter());
        for (var i = 1; i <= MaxProbes; i++)
        {
            var stored = run.ReceiverDb.StoredCount();
            await probe.PublishAsync("bench.probe", 1, 1, cancellationToken);
            if (await run.WaitAsync(() => run.ReceiverDb.StoredCount() > stored, probe.Counter, ProbeWait, cancellationToken))
            {
                return i;
            }
        }

        throw new TimeoutException($"No probe event reached the receiver in {MaxProbes} tries.");
    }
}
