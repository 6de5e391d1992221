using System.ComponentModel.DataAnnotations;

namespace WebhookLab.Emitter.Options;

// Settings under "Emitter". Validated at start, so a bad value stops the service with a clear message.
public sealed class EmitterOptions
{
    public const string SectionName = "Emitter";

    // The largest event data accepted by POST /api/events (256 KiB).
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 256 * 1024;

    // The largest POST /api/events/batch body (16 MiB).
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxBatchBytes { get; set; } = 16 * 1024 * 1024;

    // When set, every /api call needs it in the X-Api-Key header.
    public string? ApiKey { get; set; }

    // Subscription URLs may reach loopback, private and link-local addresses only when this is on (the AppHost and
    // tests turn it on: everything there is local). Checked on the resolved address at connect time.
    public bool AllowPrivateNetworks { get; set; }

    // Subscriptions the emitter makes sure exist at start (the AppHost seeds one to the receiver).
    public List<SeedSubscription> Seed { get; set; } = [];
}

public sealed class SeedSubscription
{
    [Required, RegularExpression("^sub_[A-Za-z0-9_]{1,60}$")]
    public string Id { get; set; } = "";

    [Required, Url]
    public string Url { get; set; } = "";

    [Required]
    public string Secret { get; set; } = "";

    public List<string> EventTypes { get; set; } = [];

    public string? Description { get; set; }
}

// Settings under "Emitter:Delivery".
public sealed class DeliveryOptions
{
    public const string SectionName = "Emitter:Delivery";

    // Delays before the 2nd, 3rd, ... attempt; after the last one the delivery is dead. Svix's schedule by default.
    public List<TimeSpan> RetrySchedule { get; set; } = [];

    public static readonly TimeSpan[] DefaultRetrySchedule =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    // Each delay is spread by up to this fraction either way, so retries of many deliveries do not arrive in lockstep.
    [Range(0.0, 0.5)]
    public double Jitter { get; set; } = 0.2;

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    // How long a claimed delivery stays invisible to other claims; a crashed process's claims come due again after it.
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    [Range(1, 10_000)]
    public int MaxConcurrency { get; set; } = 128;

    [Range(1, 10_000)]
    public int ClaimBatchSize { get; set; } = 512;

    // Claimed deliveries held in memory for the senders; the queue itself stays in SQLite.
    [Range(1, 100_000)]
    public int ReadyQueueSize { get; set; } = 1024;

    // The fallback when no signal arrives: new work wakes the dispatcher at once.
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    // Per receiver authority: after this share of failed attempts the circuit opens and attempts fail fast for BreakDuration.
    [Range(0.01, 1.0)]
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    [Range(2, 10_000)]
    public int CircuitBreakerMinimumThroughput { get; set; } = 20;

    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    // A subscription failing without a single success for this long, and for at least DisableAfterMinimumFailures
    // attempts, is disabled (its deliveries pause until it is enabled again).
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(5);

    [Range(1, 1_000_000)]
    public int DisableAfterMinimumFailures { get; set; } = 10;

    // After a secret rotation the old secret keeps signing, beside the new one, for this long.
    public TimeSpan SecretRotationGrace { get; set; } = TimeSpan.FromHours(24);

    // A Retry-After on 429 or 503 is honoured within these bounds.
    public TimeSpan MinRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(1);

    // How much of a receiver's answer is kept with each attempt.
    [Range(0, 64 * 1024)]
    public int ResponseExcerptBytes { get; set; } = 1024;

    public IReadOnlyList<TimeSpan> EffectiveRetrySchedule => RetrySchedule.Count > 0 ? RetrySchedule : DefaultRetrySchedule;
}

// Settings under "Emitter:Simulator".
public sealed class SimulatorOptions
{
    public const string SectionName = "Emitter:Simulator";

    // Events published per second by the traffic simulator; 0 turns it off.
    [Range(0.0, 10_000.0)]
    public double EventsPerSecond { get; set; }
}
