using System.Net.Http.Json;
using WebhookLab.Bench.Hosting;
using WebhookLab.Bench.Terminal;

namespace WebhookLab.Bench.Scenarios;

// The receiver fails a share of webhooks at random (its chaos API); the emitter's short retry schedule gets every event
// through. With independent failures at rate p, attempts per delivery should come to 1 / (1 - p).
public sealed class FailureScenario : Scenario
{
    // Short delays, and enough of them that no delivery runs out (0.3^31 is nothing).
    private static readonly TimeSpan[] Schedule =
    [
        TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(0.2), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1),
        .. Enumerable.Repeat(TimeSpan.FromSeconds(2), 26),
    ];

    public override string Key => "failures";

    public override string Title => "Random failures at the receiver";

    public override async Task<ScenarioResult> RunAsync(ScenarioContext context, IScenarioProgress progress, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var settings = new LabSettings { Emitter = new Dictionary<string, string>(LabSettings.RetrySchedule(Schedule)) };
        await using var run = await ScenarioRun.StartAsync(context, progress, Key, settings, cancellationToken);
        await run.WarmUpAsync(cancellationToken);

        using (var chaos = await run.Lab.ReceiverApi.PostAsJsonAsync("api/chaos", new { failureRate = options.FailureRate, statusCode = 500 }, cancellationToken))
        {
            chaos.EnsureSuccessStatusCode();
        }

        run.BeginMeasurement();
        run.PublishTarget = options.FailureEvents;
        var publishing = run.Publisher.PublishAsync("bench.failures", options.FailureEvents, options.Publishers, cancellationToken);
        var drained = await run.WaitDrainedAsync(publishing, options.DrainTimeout, cancellationToken);
        var theory = 1 / (1 - options.FailureRate);
        var result = await run.FinishAsync(Key, Title,
            $"{options.FailureEvents:N0} events at full speed; the receiver answers {options.FailureRate * 100:0}% of webhook requests with HTTP 500 at random (POST /api/chaos); retry schedule {LabSettings.Describe(Schedule.Take(4))}, then 2 s {Schedule.Length - 4} times (±20% jitter); circuit breaker at its defaults.",
            drained, options.DrainTimeout, cancellationToken);
        return result with
        {
            Figures = new Dictionary<string, double>
            {
                ["failureRate"] = options.FailureRate,
                ["theoreticalAttemptsPerDelivery"] = theory,
            },
            Settings = new Dictionary<string, string>(result.Settings) { ["retrySchedule"] = LabSettings.Describe(Schedule.Take(4)) + ", then 2 s" },
        };
    }
}
