namespace WebhookLab.Bench.Hosting;

// How one scenario's pair of services is set up.
public sealed record LabSettings
{
    public int Subscriptions { get; init; } = 1;

    public bool StartEmitter { get; init; } = true;

    public bool StartReceiver { get; init; } = true;

    // Emitter configuration as environment variables (Emitter__Delivery__...).
    public IReadOnlyDictionary<string, string> Emitter { get; init; } = new Dictionary<string, string>();

    public static IEnumerable<KeyValuePair<string, string>> RetrySchedule(params TimeSpan[] delays) =>
        delays.Select((delay, i) => KeyValuePair.Create($"Emitter__Delivery__RetrySchedule__{i}", delay.ToString("c")));

    public static string Describe(IEnumerable<TimeSpan> delays) =>
        string.Join(", ", delays.Select(d => d.TotalSeconds >= 60 ? $"{d.TotalMinutes:0.#} min" : $"{d.TotalSeconds:0.###} s"));
}

// CPU seconds and memory of each side over a measured interval.
public sealed record ResourceFigures(
    double WallSeconds,
    double EmitterCpuSeconds,
    double ReceiverCpuSeconds,
    double BenchCpuSeconds,
    long EmitterPeakRssBytes,
    long ReceiverPeakRssBytes,
    long EmitterMaxSampledRssBytes,
    long ReceiverMaxSampledRssBytes,
    // The largest anonymous (heap) and file-backed (mapped files) parts of the resident set seen while sampling.
    long EmitterMaxAnonRssBytes,
    long EmitterMaxFileRssBytes,
    long ReceiverMaxAnonRssBytes,
    long ReceiverMaxFileRssBytes);
