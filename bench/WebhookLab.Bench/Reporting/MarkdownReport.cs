using System.Globalization;
using System.Text;
using WebhookLab.Bench.Scenarios;

namespace WebhookLab.Bench.Reporting;

// docs/benchmarks.md: the machine, the command, every figure in tables, the targets, and the charts.
public static class MarkdownReport
{
    public static void Write(BenchmarkResult result, string path)
    {
        var chartFolder = Path.GetFileName(Path.GetDirectoryName(result.JsonPath)!);
        var md = new StringBuilder();
        var o = result.Options;
        var ceiling = result.Scenarios.FirstOrDefault(s => s.Key == "ceiling");

        md.AppendLine("# WebhookLab benchmarks").AppendLine();
        md.AppendLine("""
            The real emitter and receiver (Release builds, each its own process with a fresh SQLite file) measured end to end by
            `bench/WebhookLab.Bench` (see [bench/README.md](../bench/README.md)): events published through the emitter's API,
            delivered as signed webhooks, stored by the receiver. Every figure comes from the two SQLite files (read-only) and
            `/proc`; the end-to-end latency of an event is `inbox.received_at` at the receiver minus `events.created_at` at the
            emitter (same clock, whole milliseconds). Targets are reported, not asserted.
            """.Replace("\n", " ", StringComparison.Ordinal).Replace("  ", " ", StringComparison.Ordinal)).AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Run {result.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC, {result.TotalSeconds / 60:0.0} minutes in all{(o.Smoke ? ", **smoke sizes**" : "")}, with:").AppendLine();
        md.AppendLine("```bash").AppendLine(result.Command).AppendLine("```").AppendLine();

        md.AppendLine("## Machine").AppendLine();
        Table(md, ["", ""],
        [
            ["Cores", result.Machine.Cores.ToString(CultureInfo.InvariantCulture)],
            ["Memory", $"{result.Machine.MemoryBytes / 1024.0 / 1024 / 1024:0.0} GiB"],
            ["CPU", result.Machine.CpuModel],
            ["OS", $"{result.Machine.Os} ({result.Machine.Kernel})"],
            [".NET", $"{result.Machine.Runtime}, SDK {result.Machine.Sdk}"],
            ["SQLite files", result.Machine.TempStorage],
            ["Commit", result.Machine.GitCommit + (result.Machine.UncommittedServiceFiles.Count > 0
                ? $" with uncommitted changes to {string.Join(", ", result.Machine.UncommittedServiceFiles.Select(f => $"`{f}`"))}"
                : "")],
        ], numbers: false);

        md.AppendLine("## Settings").AppendLine();
        Table(md, ["Setting", "Value"],
        [
            ["Publishing", o.PublishMode == PublishMode.Batch ? $"`POST /api/events/batch`, {o.BatchSize} events per request" : "`POST /api/events`, one event per request"],
            ["Concurrent publishers (closed-loop scenarios)", o.Publishers.ToString(CultureInfo.InvariantCulture)],
            ["Event data", $"{o.PayloadBytes:N0} bytes"],
            ["Durability (`Sqlite:<db>:Synchronous`, both services)", o.Durability.ToString()],
            ["Warm-up before each measurement", $"rounds of {o.WarmUpEvents:N0} events at full speed for at least {o.WarmUpDuration.TotalSeconds:0} s (JIT tiers, pools, caches), delivered and checked like the rest; the ceiling's receiver: {o.CeilingWarmUp.TotalSeconds:0} s of load"],
            ["Emitter delivery settings", "the emitter's defaults, except each scenario's retry schedule where stated"],
            ["Extra emitter settings", o.EmitterSettings.Count == 0 ? "none" : string.Join(", ", o.EmitterSettings.Select(s => $"`{s.Key}={s.Value}`"))],
            ["Extra receiver settings", o.ReceiverSettings.Count == 0 ? "none" : string.Join(", ", o.ReceiverSettings.Select(s => $"`{s.Key}={s.Value}`"))],
        ], numbers: false);

        md.AppendLine("## Targets").AppendLine();
        Table(md, ["Target", "Figure", "Result"],
            result.Targets.Select(t => new[] { t.Target, t.Figure, t.Met switch { true => "met", false => "**not met**", null => "not run" } }), numbers: false);
        if (result.Targets.Any(t => t.Met == false))
        {
            md.AppendLine("What limits the targets that are not met, with the profiling evidence: [benchmark-analysis.md](benchmark-analysis.md).").AppendLine();
        }

        md.AppendLine("## Throughput and latency").AppendLine();
        md.AppendLine("Deliveries/s runs from the first publish to the last webhook stored at the receiver (fan-out: to the emitter's last successful delivery; backlog: from the recover call). Latency: end to end per event (ceiling: one POST as the sender saw it; fan-out: the first arrival of each id, the per-delivery figures follow).").AppendLine();
        Table(md, ["Scenario", "Events", "Deliveries", "Accepted events/s", "Deliveries/s", "Share of ceiling", "p50 ms", "p95 ms", "p99 ms", "max ms", "Attempts/delivery", "Correct"],
            result.Scenarios.Select(s => new[]
            {
                s.Key, N(s.Events), N(s.Deliveries), Rate(s.EventsAcceptedPerSecond), Rate(s.DeliveriesPerSecond), Share(s.CeilingRatio),
                Ms(s.Latency?.P50), Ms(s.Latency?.P95), Ms(s.Latency?.P99), Ms(s.Latency?.Max),
                s.AttemptsPerDelivery is { } a ? a.ToString("0.000", CultureInfo.InvariantCulture) : "-",
                s.Correctness.Passed ? "yes" : "**no**",
            }));

        md.AppendLine("## CPU and memory").AppendLine();
        md.AppendLine("CPU seconds over each scenario's measured interval (from the start of the measured publishing to the last delivery; /proc/<pid>/stat utime + stime), as a share of the interval in cores (2 cores in all), and each process's peak resident set (VmHWM, over its whole life). The bench itself runs on the same cores. VmHWM counts mapped file pages too (SQLite's `mmap_size`, the binaries): the last columns split the resident set, sampled every 200 ms to 1 s during the interval, into its largest anonymous part (heaps: what the process allocated) and its largest file-backed part.").AppendLine();
        Table(md, ["Scenario", "Interval s", "Emitter CPU s", "Receiver CPU s", "Bench CPU s", "Emitter cores", "Receiver cores", "Bench cores", "Emitter peak RSS", "Receiver peak RSS", "Emitter anon / file RSS", "Receiver anon / file RSS"],
            result.Scenarios.Where(s => s.Resources is not null).Select(s =>
            {
                var r = s.Resources!;
                return new[]
                {
                    s.Key, F(r.WallSeconds, "0.0"), F(r.EmitterCpuSeconds, "0.0"), F(r.ReceiverCpuSeconds, "0.0"), F(r.BenchCpuSeconds, "0.0"),
                    F(r.EmitterCpuSeconds / r.WallSeconds, "0.00"), F(r.ReceiverCpuSeconds / r.WallSeconds, "0.00"), F(r.BenchCpuSeconds / r.WallSeconds, "0.00"),
                    Mb(r.EmitterPeakRssBytes), Mb(r.ReceiverPeakRssBytes),
                    r.EmitterMaxAnonRssBytes > 0 ? $"{Mb(r.EmitterMaxAnonRssBytes)} / {Mb(r.EmitterMaxFileRssBytes)}" : "-",
                    $"{Mb(r.ReceiverMaxAnonRssBytes)} / {Mb(r.ReceiverMaxFileRssBytes)}",
                };
            }));

        md.AppendLine("## Correctness").AppendLine();
        md.AppendLine("Checked from the files: the receiver holds exactly the emitter's webhook-ids (nothing missing, nothing extra), one row each, every row processed, every delivery succeeded (none dead or open), and every id the emitter answered 202 for is in its events table. A receive_count above the number of deliveries is a redelivery (at least once), reported, not an error.").AppendLine();
        Table(md, ["Scenario", "Expected ids", "Stored", "Missing", "Extra", "Duplicate rows", "Unprocessed", "Redeliveries", "Deliveries succeeded / expected", "Dead", "Open", "Result"],
            result.Scenarios.Select(s =>
            {
                var c = s.Correctness;
                return new[]
                {
                    s.Key, N(c.ExpectedWebhooks), N(c.StoredWebhooks), N(c.Missing), N(c.Extra), N(c.DuplicateRows), N(c.Unprocessed), N(c.Redeliveries),
                    $"{c.SucceededDeliveries:N0} / {c.ExpectedDeliveries:N0}", N(c.DeadDeliveries), N(c.OpenDeliveries), c.Passed ? "passed" : "**failed**",
                };
            }));

        md.AppendLine("## Scenarios").AppendLine();
        Table(md, ["Scenario", "Wall time (services started to stopped)"], result.Scenarios.Select(s => new[] { s.Key, $"{s.WallSeconds:0} s" }));
        foreach (var s in result.Scenarios)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"### {s.Title}").AppendLine();
            if (s.Description.Length > 0)
            {
                md.AppendLine(s.Description).AppendLine();
            }

            if (s.Error is not null)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"**The scenario failed:** {s.Error}").AppendLine();
            }

            foreach (var line in Details(s, ceiling))
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {line}");
            }

            md.AppendLine();
            if (result.Charts.Any(c => Path.GetFileName(c) == Charts.ThroughputFile(s.Key)))
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"![{s.Key}: delivered per second]({chartFolder}/{Charts.ThroughputFile(s.Key)})").AppendLine();
            }
        }

        md.AppendLine("## All scenarios").AppendLine();
        foreach (var chart in result.Charts.Where(c => !Path.GetFileName(c).StartsWith("throughput-", StringComparison.Ordinal)))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"![{Path.GetFileNameWithoutExtension(chart)}]({chartFolder}/{Path.GetFileName(chart)})").AppendLine();
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"Raw figures: [{chartFolder}/{Path.GetFileName(result.JsonPath)}]({chartFolder}/{Path.GetFileName(result.JsonPath)}).");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, md.ToString());
    }

    private static IEnumerable<string> Details(ScenarioResult s, ScenarioResult? ceiling)
    {
        yield return s.Correctness.Summary;
        if (s.DeliverySeconds is { } seconds && s.Key != "ceiling")
        {
            yield return $"{s.Deliveries:N0} deliveries in {seconds:0.00} s: {Rate(s.DeliveriesPerSecond)}"
                + (s.CeilingRatio is { } r ? $", {Share(r)} of the ceiling ({Rate(ceiling?.DeliveriesPerSecond)})" : "");
        }

        if (s.PublishFailures > 0)
        {
            yield return $"{s.PublishFailures:N0} events not accepted by the emitter (first error: {s.PublishError})";
        }

        if (s.DeliveryLatency is { } d)
        {
            yield return $"per delivery at the emitter (event created to the end of the successful attempt): p50 {Ms(d.P50)} ms, p95 {Ms(d.P95)} ms, p99 {Ms(d.P99)} ms, max {Ms(d.Max)} ms";
        }

        foreach (var (name, value) in s.Figures.Where(f => f.Key != ScenarioRun.LastStoredBeforeCutoff))
        {
            yield return $"{Words(name)}: {Figure(name, value)}";
        }

        foreach (var sample in s.Correctness.Samples)
        {
            yield return $"sample: {sample}";
        }
    }

    private static string Figure(string name, double value) =>
        name.EndsWith("Bytes", StringComparison.Ordinal) ? Mb((long)value)
        : name.EndsWith("Seconds", StringComparison.Ordinal) && !name.Contains("Per", StringComparison.Ordinal) ? $"{value:0.0} s"
        : name == "failureRate" ? Share(value)
        : Math.Abs(value - Math.Round(value)) < 1e-9 ? value.ToString("N0", CultureInfo.InvariantCulture)
        : value.ToString("0.###", CultureInfo.InvariantCulture);

    // "emitterPeakRssDuringDrainBytes" -> "emitter peak rss during drain"
    private static string Words(string name)
    {
        var trimmed = name.EndsWith("Bytes", StringComparison.Ordinal) ? name[..^5] : name;
        var words = new StringBuilder();
        foreach (var c in trimmed)
        {
            if ((char.IsUpper(c) || c == '_') && words.Length > 0 && words[^1] != ' ')
            {
                words.Append(' ');
            }

            if (c != '_')
            {
                words.Append(char.ToLowerInvariant(c));
            }
        }

        return words.ToString();
    }

    // Figures right-aligned; a table of text (numbers: false) left-aligned.
    private static void Table(StringBuilder md, string[] header, IEnumerable<string[]> rows, bool numbers = true)
    {
        md.AppendLine("| " + string.Join(" | ", header) + " |");
        md.AppendLine("|" + string.Concat(header.Select((_, i) => i == 0 || !numbers ? " --- |" : " ---: |")));
        foreach (var row in rows)
        {
            md.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }

        md.AppendLine();
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Rate(double? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "-";

    private static string Share(double? ratio) => ratio is { } r ? $"{r * 100:0}%" : "-";

    private static string Ms(double? value) => value is { } v ? v.ToString(v < 10 ? "0.##" : "N0", CultureInfo.InvariantCulture) : "-";

    private static string Mb(long? bytes) => bytes is > 0 and { } b ? $"{b / 1024.0 / 1024.0:N0} MB" : "-";
}
