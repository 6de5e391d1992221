using WebhookLab.Bench.Hosting;
using WebhookLab.Bench.Terminal;

namespace WebhookLab.Bench.Scenarios;

// Events published as fast as the publishers can, to one subscription or fanned out to several; delivered end to end.
public sealed class BurstScenario(string key, string title, Func<BenchOptions, int> events, Func<BenchOptions, int> subscriptions) : Scenario
{
    public override string Key => key;

    public override string Title => title;

    public static BurstScenario Burst() => new("burst", "Burst: one subscription, publishers at full speed", o => o.BurstEvents, _ => 1);

    public static BurstScenario FanOut() => new("fanout", "Fan-out: every event to several subscriptions", o => o.FanOutEvents, o => o.FanOutSubscriptions);

    public override async Task<ScenarioResult> RunAsync(ScenarioContext context, IScenarioProgress progress, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var count = events(options);
        var fanOut = subscriptions(options);
        await using var run = await ScenarioRun.StartAsync(context, progress, key, new LabSettings { Subscriptions = fanOut }, cancellationToken);
        await run.WarmUpAsync(cancellationToken);

        run.BeginMeasurement();
        run.PublishTarget = count;
        var publishing = run.Publisher.PublishAsync($"bench.{key}", count, options.Publishers, cancellationToken);
        var drained = await run.WaitDrainedAsync(publishing, options.DrainTimeout, cancellationToken);
        var description = fanOut > 1
            ? $"{count:N0} events x {fanOut} subscriptions (URLs differing only by a query string) = {count * fanOut:N0} deliveries; deliveries counted at the emitter (succeeded) and as receipts at the receiver (sum of receive_count)."
            : $"{count:N0} events to one subscription, {options.Publishers} publishers at full speed.";
        var result = await run.FinishAsync(key, title, description, drained, options.DrainTimeout, cancellationToken);
        if (key == "burst")
        {
            context.BurstRate = result.DeliveriesPerSecond;
        }

        return result;
    }
}
