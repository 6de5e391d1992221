using System.ComponentModel.DataAnnotations;

namespace WebhookLab.Receiver.Options;

// Faults the receiver injects on demand, to show the emitter's retries. Bound from "Receiver:Chaos" at start and taken
// as the body of POST /api/chaos, where an absent field means its default here (so {} turns chaos off).
public sealed class ChaosOptions
{
    public const string SectionName = "Receiver:Chaos";

    // The share of webhook requests answered with StatusCode.
    [Range(0.0, 1.0, ErrorMessage = "Must be from {1} to {2}.")]
    public double FailureRate { get; set; }

    // A delay before every webhook request is handled (before the failure draw too).
    [Range(0, 600_000, ErrorMessage = "Must be from {1} to {2}.")]
    public int LatencyMs { get; set; }

    [Range(400, 599, ErrorMessage = "Must be a 4xx or 5xx status code.")]
    public int StatusCode { get; set; } = 503;

    // Every webhook request's connection is closed without an answer, as if the receiver were unreachable.
    public bool Down { get; set; }

    // Sent as Retry-After with a simulated failure; null sends none.
    [Range(0, 86_400, ErrorMessage = "Must be from {1} to {2}.")]
    public int? RetryAfterSeconds { get; set; }
}
