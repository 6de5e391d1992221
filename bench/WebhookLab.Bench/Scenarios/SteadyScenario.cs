using System.Globalization;
using WebhookLab.Bench.Hosting;
using WebhookLab.Bench.Terminal;

namespace WebhookLab.Bench.Scenarios;

// Events offered at a fixed rate for a while (open loop), for the latency distribution under a known load.
public sealed class SteadyScenario(string key, string title, Func<ScenarioContext, double> rate, Func<BenchOptions, TimeSpan> duration) : Scenario
{
    private const int MaxRequestsInFlight = 256;

    public override string Key => key;

    public override string Title => title;

    public static SteadyScenario Steady() => new("steady", "Steady: half the burst's delivered rate",
        c => c.Options.SteadyRate ?? (c.BurstRate is > 0 ? Math.Round(c.BurstRate.Value / 2) : 1_000), o => o.SteadyDuration);

    public static SteadyScenario LowLoad() => new("lowload", "Low load", c => c.Options.LowLoadRate, o => o.LowLoadDuration);

    public override async Task<ScenarioResult> RunAsync(ScenarioContext context, IScenarioProgress progress, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var eventsPerSecond = rate(context);
        var length = duration(options);
        await using var run = await ScenarioRun.StartAsync(context, progress, key, new LabSettings(), cancellationToken);
        await run.WarmUpAsync(cancellationToken);

        run.BeginMeasurement();
        run.PublishTarget = (long)(eventsPerSecond * length.TotalSeconds);
        var publishing = run.Publisher.PublishAtRateAsync($"bench.{key}", eventsPerSecond, length, MaxRequestsInFlight, cancellationToken);
        var drained = await run.WaitDrainedAsync(publishing, length + options.DrainTimeout, cancellationToken);
        var result = await run.FinishAsync(key, title,
            $"{eventsPerSecond:N0} events/s offered for {length.TotalSeconds:0.#} s (open loop: requests every 10 ms whatever the answers take, at most {MaxRequestsInFlight} in flight).",
            drained, length + options.DrainTimeout, cancellationToken);
        return result with
        {
            // The rate is the one offered: a share of the ceiling says nothing here.
            CeilingRatio = null,
            Figures = new Dictionary<string, double>
            {
                ["offeredEventsPerSecond"] = eventsPerSecond,
                ["achievedEventsPerSecond"] = result.Events / length.TotalSeconds,
            },
            Settings = new Dictionary<string, string>(result.Settings) { ["rate"] = eventsPerSecond.ToString("0", CultureInfo.InvariantCulture) },
        };
    }
}
