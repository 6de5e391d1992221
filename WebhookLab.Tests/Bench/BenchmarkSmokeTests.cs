using System.Text;
using WebhookLab.Bench;
using WebhookLab.Bench.Terminal;
using Xunit.Abstractions;

namespace WebhookLab.Tests.Bench;

// The benchmark is CPU-bound on purpose: it runs alone, not beside the other test classes.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BenchmarkCollection
{
    public const string Name = "Benchmark";
}

// The benchmark's smoke mode, in process: real emitter and receiver processes at tiny sizes. It asserts what the
// benchmark checks about correctness (every id delivered once, nothing missing, nothing extra, every webhook processed)
// and that the report and its charts are written, never a speed.
[Collection(BenchmarkCollection.Name)]
public sealed class BenchmarkSmokeTests(ITestOutputHelper output)
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact(Timeout = 240_000)]
    public async Task Smoke_run_delivers_every_event_exactly_once_and_writes_the_report_with_its_charts()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"webhooklab-bench-test-{Guid.NewGuid():N}");
        var options = BenchOptions.Parse(["--smoke", "--plain", "--report", Path.Combine(folder, "benchmarks.md")]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var result = await new BenchmarkRunner(options, new PlainConsole(new TestOutputWriter(output), log: null)).RunAsync(timeout.Token);

        Assert.Equal(BenchOptions.AllScenarios, result.Scenarios.Select(s => s.Key));
        Assert.All(result.Scenarios, scenario =>
        {
            var check = scenario.Correctness;
            Assert.True(scenario.Error is null, $"{scenario.Key}: {scenario.Error}");
            Assert.True(check.Passed, $"{scenario.Key}: {check.Summary}");
            Assert.True(check.ExpectedWebhooks > 0, $"{scenario.Key}: nothing was expected");
            Assert.Equal(check.ExpectedWebhooks, check.StoredWebhooks);
            Assert.Equal(0, check.Missing);
            Assert.Equal(0, check.Extra);
            Assert.Equal(0, check.DuplicateRows);
            Assert.Equal(0, check.Unprocessed);
            Assert.Equal(check.ExpectedDeliveries, check.SucceededDeliveries);
        });
        Assert.True(result.AllCorrect);

        var report = await File.ReadAllTextAsync(result.ReportPath);
        Assert.Contains("## Targets", report);
        Assert.Contains("## Correctness", report);
        Assert.True(File.Exists(result.JsonPath), result.JsonPath);
        Assert.Contains(result.Charts, c => Path.GetFileName(c) == "latency-percentiles.png");
        Assert.Contains(result.Charts, c => Path.GetFileName(c) == "throughput-burst.png");
        foreach (var chart in result.Charts)
        {
            var bytes = await File.ReadAllBytesAsync(chart);
            Assert.True(bytes.Length > 1000 && bytes.AsSpan(0, PngSignature.Length).SequenceEqual(PngSignature), $"{chart} is not a PNG image");
            Assert.Contains($"{Path.GetFileName(Path.GetDirectoryName(chart))}/{Path.GetFileName(chart)}", report);
        }

        Directory.Delete(folder, recursive: true);
    }

    // The bench's progress lines, into the test output.
    private sealed class TestOutputWriter(ITestOutputHelper output) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override void WriteLine(string? value)
        {
            try
            {
                output.WriteLine(value ?? "");
            }
            catch (InvalidOperationException)
            {
                // The test has ended.
            }
        }
    }
}
