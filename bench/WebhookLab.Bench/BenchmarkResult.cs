using WebhookLab.Bench.Reporting;
using WebhookLab.Bench.Scenarios;

namespace WebhookLab.Bench;

// A whole run: what ran where, every scenario's figures, the targets, and the files written.
public sealed record BenchmarkResult
{
    public required DateTimeOffset StartedAt { get; init; }
    public required double TotalSeconds { get; init; }
    public required string Command { get; init; }
    public required BenchOptions Options { get; init; }
    public required MachineInfo Machine { get; init; }
    public required IReadOnlyList<ScenarioResult> Scenarios { get; init; }
    public required IReadOnlyList<TargetCheck> Targets { get; init; }
    public required string ReportPath { get; init; }
    public required string JsonPath { get; init; }
    public required IReadOnlyList<string> Charts { get; init; }
    public required string WorkDirectory { get; init; }

    public bool AllCorrect => Scenarios.Count > 0 && Scenarios.All(s => s.Correctness.Passed);
}
