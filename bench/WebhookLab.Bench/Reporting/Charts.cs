using ScottPlot;
using ScottPlot.TickGenerators;
using WebhookLab.Bench.Scenarios;

namespace WebhookLab.Bench.Reporting;

// The report's PNG charts (ScottPlot on SkiaSharp): deliveries per second over time for each scenario, deliveries per
// second of all scenarios against the ceiling, and the latency percentiles of each scenario on a log scale.
public static class Charts
{
    private const int Width = 900;
    private const int Height = 420;

    public static IReadOnlyList<string> Write(IReadOnlyList<ScenarioResult> results, string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var result in results.Where(r => r.Delivered.Count > 0))
        {
            written.Add(Throughput(result, Path.Combine(directory, $"throughput-{result.Key}.png")));
        }

        if (results.Any(r => r.DeliveriesPerSecond is > 0))
        {
            written.Add(Rates(results, Path.Combine(directory, "deliveries-per-second.png")));
        }

        if (results.Any(r => r.Latency is not null))
        {
            written.Add(Latencies(results, Path.Combine(directory, "latency-percentiles.png")));
        }

        return written;
    }

    public static string ThroughputFile(string key) => $"throughput-{key}.png";

    private static string Throughput(ScenarioResult result, string path)
    {
        var plot = new Plot();
        var delivered = plot.Add.ScatterLine(result.Delivered.Select(p => p.Seconds).ToArray(), result.Delivered.Select(p => p.PerSecond).ToArray());
        delivered.LegendText = "delivered/s";
        delivered.LineWidth = 2;
        if (result.Published.Count > 0)
        {
            var published = plot.Add.ScatterLine(result.Published.Select(p => p.Seconds).ToArray(), result.Published.Select(p => p.PerSecond).ToArray());
            published.LegendText = "published (events)/s";
            published.LinePattern = LinePattern.Dashed;
        }

        foreach (var marker in result.Markers)
        {
            var line = plot.Add.VerticalLine(marker.Seconds);
            line.LabelText = marker.Label;
            line.LabelOppositeAxis = true;
            line.LinePattern = LinePattern.Dotted;
        }

        plot.Title($"{result.Title}");
        plot.XLabel("seconds since the measured publishing started");
        plot.YLabel("per second");
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static string Rates(IReadOnlyList<ScenarioResult> results, string path)
    {
        var shown = results.Where(r => r.DeliveriesPerSecond is > 0).ToList();
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = shown.Select((r, i) => new Bar
        {
            Position = i,
            Value = r.DeliveriesPerSecond!.Value,
            FillColor = palette.GetColor(r.Key == "ceiling" ? 3 : 0),
            Label = $"{r.DeliveriesPerSecond!.Value:N0}",
        }).ToArray();
        var plottable = plot.Add.Bars(bars);
        plottable.ValueLabelStyle.FontSize = 12;
        plot.Axes.Bottom.TickGenerator = new NumericManual(
            Enumerable.Range(0, shown.Count).Select(i => (double)i).ToArray(), shown.Select(r => r.Key).ToArray());
        plot.Title("Deliveries per second, each scenario (red: the ceiling)");
        plot.YLabel("deliveries/s");
        plot.Axes.Margins(bottom: 0, top: 0.15);
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static string Latencies(IReadOnlyList<ScenarioResult> results, string path)
    {
        var shown = results.Where(r => r.Latency is not null).ToList();
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        (string Name, Func<Measurement.LatencyFigures, double> Value)[] series =
            [("p50", l => l.P50), ("p95", l => l.P95), ("p99", l => l.P99), ("max", l => l.Max)];
        var bars = new List<Bar>();
        for (var s = 0; s < shown.Count; s++)
        {
            for (var p = 0; p < series.Length; p++)
            {
                var ms = series[p].Value(shown[s].Latency!);
                bars.Add(new Bar
                {
                    Position = s * (series.Length + 1) + p,
                    // Log scale: 0.1 ms is the floor (latencies are whole milliseconds from the databases).
                    Value = Math.Log10(Math.Max(0.1, ms)),
                    ValueBase = -1,
                    FillColor = palette.GetColor(p),
                });
            }
        }

        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new NumericManual(
            shown.Select((_, s) => s * (series.Length + 1) + (series.Length - 1) / 2.0).ToArray(), shown.Select(r => r.Key).ToArray());
        plot.Axes.Left.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => $"{Math.Pow(10, y):0.#}",
        };
        plot.Legend.ManualItems.AddRange(series.Select((x, p) => new LegendItem { LabelText = x.Name, FillColor = palette.GetColor(p) }));
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Title("End-to-end latency per scenario (ms, log scale; ceiling: one POST)");
        plot.YLabel("milliseconds");
        plot.Axes.SetLimitsY(-1, Math.Log10(Math.Max(10, shown.Max(r => r.Latency!.Max))) + 0.5);
        plot.SavePng(path, Width, Height);
        return path;
    }
}
