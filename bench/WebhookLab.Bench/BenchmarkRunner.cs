using System.Diagnostics;
using WebhookLab.Bench.Hosting;
using WebhookLab.Bench.Measurement;
using WebhookLab.Bench.Reporting;
using WebhookLab.Bench.Scenarios;
using WebhookLab.Bench.Terminal;

namespace WebhookLab.Bench;

// The benchmark: builds the services, runs the chosen scenarios one after another (each with its own fresh pair of
// processes), and writes the Markdown report, its charts and the JSON of every figure. Child processes never outlive it.
public sealed class BenchmarkRunner(BenchOptions options, IBenchConsole? console = null)
{
    private readonly IBenchConsole _console = console ?? IBenchConsole.Create(options.Plain);

    public static IReadOnlyList<Scenario> AllScenarios() =>
    [
        new CeilingScenario(),
        BurstScenario.Burst(),
        BurstScenario.FanOut(),
        SteadyScenario.Steady(),
        SteadyScenario.LowLoad(),
        new FailureScenario(),
        new OutageScenario(),
        new BacklogScenario(),
    ];

    public async Task<BenchmarkResult> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var repository = options.RepositoryRoot ?? FindRepositoryRoot();
        var stamp = $"{startedAt:yyyyMMdd-HHmmss}-{Environment.ProcessId}";
        var work = Path.Combine(Path.GetTempPath(), $"webhooklab-bench-{stamp}");
        Directory.CreateDirectory(work);
        var reportPath = Path.GetFullPath(options.ReportPath ?? (options.Smoke
            ? Path.Combine(Path.GetTempPath(), $"webhooklab-bench-smoke-{stamp}", "benchmarks.md")
            : Path.Combine(repository, "docs", "benchmarks.md")));
        var outputFolder = Path.Combine(Path.GetDirectoryName(reportPath)!, Path.GetFileNameWithoutExtension(reportPath));
        _console.Line($"Work folder (databases, service logs): {work}");

        var results = new List<ScenarioResult>();
        try
        {
            var binaries = options.ServicesDirectory is { } services
                ? ServiceBinaries.In(services)
                : await ServiceBinaries.BuildAsync(repository, Path.Combine(work, "services"), _console.Line, cancellationToken);
            var machine = await MachineInfo.ReadAsync(repository, work, cancellationToken);
            var context = new ScenarioContext(options, binaries, work, _console);

            foreach (var scenario in AllScenarios().Where(s => options.Runs(s.Key)))
            {
                results.Add(await RunScenarioAsync(scenario, context, cancellationToken));
            }

            var charts = Charts.Write(results, outputFolder);
            var result = new BenchmarkResult
            {
                StartedAt = startedAt,
                TotalSeconds = clock.Elapsed.TotalSeconds,
                Command = "dotnet run -c Release --project bench/WebhookLab.Bench" + (options.Arguments.Count > 0 ? " -- " + string.Join(' ', options.Arguments) : ""),
                Options = options,
                Machine = machine,
                Scenarios = results,
                Targets = Targets.Evaluate(results, options),
                ReportPath = reportPath,
                JsonPath = Path.Combine(outputFolder, "benchmarks.json"),
                Charts = charts,
                WorkDirectory = work,
            };
            JsonReport.Write(result, result.JsonPath);
            MarkdownReport.Write(result, reportPath);
            _console.Line($"Report: {reportPath}");
            foreach (var target in result.Targets)
            {
                _console.Line($"   {(target.Met switch { true => "met    ", false => "NOT MET", null => "not run" })}  {target.Target}: {target.Figure}");
            }

            if (result.AllCorrect && !options.KeepData)
            {
                Directory.Delete(work, recursive: true);
            }
            else
            {
                _console.Line($"Kept the work folder: {work}");
            }

            return result;
        }
        finally
        {
            ChildProcesses.KillAll();
        }
    }

    private async Task<ScenarioResult> RunScenarioAsync(Scenario scenario, ScenarioContext context, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        ScenarioResult result;
        try
        {
            result = await _console.ScenarioAsync(scenario.Title, progress => scenario.RunAsync(context, progress, cancellationToken));
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // One broken scenario is reported as such; the others still run.
            _console.Line($"   {scenario.Key} failed: {exception.GetType().Name}: {exception.Message}");
            result = new ScenarioResult
            {
                Key = scenario.Key,
                Title = scenario.Title,
                Error = $"{exception.GetType().Name}: {exception.Message}",
                Correctness = CorrectnessResult.Failed($"the scenario did not complete ({exception.GetType().Name})"),
            };
        }

        result = result with { WallSeconds = clock.Elapsed.TotalSeconds };
        _console.Line($"   {scenario.Key}: {Targets.Rate(result.DeliveriesPerSecond)} deliveries, "
            + $"p50 {Targets.Ms(result.Latency?.P50)}, p99 {Targets.Ms(result.Latency?.P99)}, "
            + $"attempts/delivery {result.AttemptsPerDelivery:0.000}; {result.Correctness.Summary} ({clock.Elapsed.TotalSeconds:0} s)");
        return result;
    }

    // The folder holding WebhookLab.sln, from the current folder or from where this assembly is.
    public static string FindRepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "WebhookLab.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("WebhookLab.sln was not found above the current folder; pass --repo.");
    }
}
