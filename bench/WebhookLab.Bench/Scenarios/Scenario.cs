using WebhookLab.Bench.Hosting;
using WebhookLab.Bench.Terminal;

namespace WebhookLab.Bench.Scenarios;

// What every scenario gets: the options, the service builds, a folder, the console, and what earlier scenarios found.
public sealed class ScenarioContext(BenchOptions options, ServiceBinaries binaries, string workDirectory, IBenchConsole console)
{
    public BenchOptions Options => options;
    public ServiceBinaries Binaries => binaries;
    public string WorkDirectory => workDirectory;
    public IBenchConsole Console => console;

    // The ceiling's deliveries/s, when it ran first.
    public double? CeilingRate { get; set; }

    // The burst's deliveries/s: the steady scenario offers half of it.
    public double? BurstRate { get; set; }
}

public abstract class Scenario
{
    public abstract string Key { get; }

    public abstract string Title { get; }

    public abstract Task<ScenarioResult> RunAsync(ScenarioContext context, IScenarioProgress progress, CancellationToken cancellationToken);
}
