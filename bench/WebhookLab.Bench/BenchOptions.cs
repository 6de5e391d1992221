using System.Globalization;

namespace WebhookLab.Bench;

public enum PublishMode
{
    // POST /api/events/batch with BatchSize events per request.
    Batch,

    // POST /api/events, one event per request.
    Single,
}

public enum Durability
{
    Full,
    Normal,
}

// Every knob of a benchmark run. Parse reads the command line; --smoke starts from tiny sizes instead of the defaults.
public sealed record BenchOptions
{
    public static readonly IReadOnlyList<string> AllScenarios =
        ["ceiling", "burst", "fanout", "steady", "lowload", "failures", "outage", "backlog"];

    public bool Smoke { get; init; }
    public string? RepositoryRoot { get; init; }
    public string? ReportPath { get; init; }
    public IReadOnlyList<string> Scenarios { get; init; } = AllScenarios;
    public bool Plain { get; init; }
    public bool KeepData { get; init; }
    public string? ServicesDirectory { get; init; }
    public IReadOnlyList<string> Arguments { get; init; } = [];

    public PublishMode PublishMode { get; init; } = PublishMode.Batch;
    public int Publishers { get; init; } = 8;
    public int BatchSize { get; init; } = 100;
    public int PayloadBytes { get; init; } = 1024;
    public Durability Durability { get; init; } = Durability.Full;
    public int WarmUpEvents { get; init; } = 10_000;
    // Warm-up rounds of WarmUpEvents go on until this long has passed: the JIT's tiers need seconds of traffic, not a few requests.
    public TimeSpan WarmUpDuration { get; init; } = TimeSpan.FromSeconds(15);

    public int BurstEvents { get; init; } = 50_000;
    public int FanOutEvents { get; init; } = 5_000;
    public int FanOutSubscriptions { get; init; } = 10;
    public TimeSpan SteadyDuration { get; init; } = TimeSpan.FromSeconds(60);
    // Null: half the rate the burst delivered (1,000/s when the burst did not run).
    public double? SteadyRate { get; init; }
    public double LowLoadRate { get; init; } = 100;
    public TimeSpan LowLoadDuration { get; init; } = TimeSpan.FromSeconds(30);
    public int FailureEvents { get; init; } = 10_000;
    public double FailureRate { get; init; } = 0.3;
    public double OutageRate { get; init; } = 1_000;
    public TimeSpan OutageDuration { get; init; } = TimeSpan.FromSeconds(30);
    // Load before the receiver stops, and after it is back.
    public TimeSpan OutageLead { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan OutageTail { get; init; } = TimeSpan.FromSeconds(15);
    public int BacklogDeliveries { get; init; } = 1_000_000;
    // Each concurrency level of the ceiling runs this long; the ceiling is the best level.
    public TimeSpan CeilingDuration { get; init; } = TimeSpan.FromSeconds(10);
    public IReadOnlyList<int> CeilingConcurrency { get; init; } = [32, 128, 512];
    public TimeSpan CeilingWarmUp { get; init; } = TimeSpan.FromSeconds(10);

    // Bounds on every wait for deliveries; the backlog has its own, for the build and for the drain.
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(10);
    public TimeSpan BacklogTimeout { get; init; } = TimeSpan.FromMinutes(40);

    // Extra configuration for the services, as Key=Value with ':' or '__' (e.g. Emitter:Delivery:MaxConcurrency=256).
    public IReadOnlyDictionary<string, string> EmitterSettings { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> ReceiverSettings { get; init; } = new Dictionary<string, string>();

    public static BenchOptions Smokes => new()
    {
        Smoke = true,
        Publishers = 4,
        BatchSize = 50,
        WarmUpEvents = 20,
        WarmUpDuration = TimeSpan.Zero,
        BurstEvents = 300,
        FanOutEvents = 50,
        FanOutSubscriptions = 3,
        SteadyDuration = TimeSpan.FromSeconds(5),
        SteadyRate = 50,
        LowLoadRate = 50,
        LowLoadDuration = TimeSpan.FromSeconds(3),
        FailureEvents = 100,
        OutageRate = 50,
        OutageDuration = TimeSpan.FromSeconds(5),
        OutageLead = TimeSpan.FromSeconds(2),
        OutageTail = TimeSpan.FromSeconds(2),
        BacklogDeliveries = 2_000,
        CeilingDuration = TimeSpan.FromSeconds(2),
        CeilingConcurrency = [16],
        CeilingWarmUp = TimeSpan.FromSeconds(0.5),
        DrainTimeout = TimeSpan.FromSeconds(60),
        BacklogTimeout = TimeSpan.FromSeconds(90),
    };

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = args.Contains("--smoke") ? Smokes : new BenchOptions();
        var emitter = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var receiver = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inline) = args[i].Split('=', 2) is [var n, var v] && n.StartsWith("--", StringComparison.Ordinal) ? (n, v) : (args[i], null);
            string Value() => inline ?? (i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value."));
            options = name switch
            {
                "--smoke" => options,
                "--plain" => options with { Plain = true },
                "--keep-data" => options with { KeepData = true },
                "--repo" => options with { RepositoryRoot = Value() },
                "--report" => options with { ReportPath = Value() },
                "--services" => options with { ServicesDirectory = Value() },
                "--scenarios" => options with { Scenarios = ScenarioList(Value()) },
                "--publish" => options with { PublishMode = Enum.Parse<PublishMode>(Value(), ignoreCase: true) },
                "--publishers" => options with { Publishers = Int(name, Value(), 1, 1024) },
                "--batch-size" => options with { BatchSize = Int(name, Value(), 1, 1000) },
                "--payload-bytes" => options with { PayloadBytes = Int(name, Value(), 16, 200_000) },
                "--durability" => options with { Durability = Enum.Parse<Durability>(Value(), ignoreCase: true) },
                "--warmup-events" => options with { WarmUpEvents = Int(name, Value(), 0, 1_000_000) },
                "--warmup-seconds" => options with { WarmUpDuration = TimeSpan.FromSeconds(Math.Max(0, double.Parse(Value(), CultureInfo.InvariantCulture))) },
                "--burst-events" => options with { BurstEvents = Int(name, Value(), 1, 100_000_000) },
                "--fanout-events" => options with { FanOutEvents = Int(name, Value(), 1, 100_000_000) },
                "--fanout-subscriptions" => options with { FanOutSubscriptions = Int(name, Value(), 1, 1000) },
                "--steady-seconds" => options with { SteadyDuration = Seconds(name, Value()) },
                "--steady-rate" => options with { SteadyRate = Double(name, Value()) },
                "--lowload-rate" => options with { LowLoadRate = Double(name, Value()) },
                "--lowload-seconds" => options with { LowLoadDuration = Seconds(name, Value()) },
                "--failure-events" => options with { FailureEvents = Int(name, Value(), 1, 100_000_000) },
                "--failure-rate" => options with { FailureRate = Math.Clamp(Double(name, Value()), 0, 0.95) },
                "--outage-rate" => options with { OutageRate = Double(name, Value()) },
                "--outage-seconds" => options with { OutageDuration = Seconds(name, Value()) },
                "--outage-lead-seconds" => options with { OutageLead = Seconds(name, Value()) },
                "--outage-tail-seconds" => options with { OutageTail = Seconds(name, Value()) },
                "--backlog" => options with { BacklogDeliveries = Int(name, Value(), 1, 100_000_000) },
                "--ceiling-seconds" => options with { CeilingDuration = Seconds(name, Value()) },
                "--ceiling-concurrency" => options with { CeilingConcurrency = [.. Value().Split(',').Select(v => Int(name, v.Trim(), 1, 4096))] },
                "--ceiling-warmup-seconds" => options with { CeilingWarmUp = Seconds(name, Value()) },
                "--drain-timeout-seconds" => options with { DrainTimeout = Seconds(name, Value()) },
                "--backlog-timeout-seconds" => options with { BacklogTimeout = Seconds(name, Value()) },
                "--emitter-setting" => Add(options, emitter, Value()),
                "--receiver-setting" => Add(options, receiver, Value()),
                "-h" or "--help" => throw new HelpRequestedException(),
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            };
        }

        return options with { EmitterSettings = emitter, ReceiverSettings = receiver, Arguments = [.. args] };
    }

    public bool Runs(string scenario) => Scenarios.Contains(scenario, StringComparer.OrdinalIgnoreCase);

    public const string Usage = """
        Usage: dotnet run -c Release --project bench/WebhookLab.Bench -- [options]

          --smoke                     tiny sizes (well under 2 minutes); report to a temporary folder unless --report
          --report PATH               Markdown report (default docs/benchmarks.md); charts and JSON go to PATH-without-.md/
          --scenarios a,b,...         any of ceiling, burst, fanout, steady, lowload, failures, outage, backlog (default all)
          --publish batch|single      POST /api/events/batch (default) or POST /api/events
          --publishers N              concurrent publishers (default 8)
          --batch-size N              events per batch request, 1 to 1000 (default 100)
          --payload-bytes N           size of each event's data (default 1024)
          --durability full|normal    Sqlite:<db>:Synchronous of both services (default full)
          --warmup-events N           events per warm-up round before each measurement (default 10000)
          --warmup-seconds S          warm-up rounds go on until this long has passed (default 15; 0: one round)
          --burst-events N            (default 50000)
          --fanout-events N           (default 5000)      --fanout-subscriptions N   (default 10)
          --steady-seconds S          (default 60)        --steady-rate R            (default: half the burst's rate)
          --lowload-rate R            (default 100)       --lowload-seconds S        (default 30)
          --failure-events N          (default 10000)     --failure-rate F           (default 0.3)
          --outage-rate R             (default 1000)      --outage-seconds S         (default 30)
          --outage-lead-seconds S     (default 10)        --outage-tail-seconds S    (default 15)
          --backlog N                 pending deliveries built with the receiver down (default 1000000)
          --ceiling-concurrency N,... requests in flight, each level in turn; the ceiling is the best (default 32,128,512)
          --ceiling-seconds S         per level (default 10)  --ceiling-warmup-seconds S (default 10)
          --drain-timeout-seconds S   bound on each wait for deliveries (default 600)
          --backlog-timeout-seconds S bound on the backlog's build and on its drain (default 2400)
          --emitter-setting K=V       extra emitter configuration, e.g. Emitter:Delivery:MaxConcurrency=256 (repeatable)
          --receiver-setting K=V      extra receiver configuration (repeatable)
          --services DIR              use emitter/ and receiver/ builds in DIR instead of building them
          --repo DIR                  the repository root (default: found from the current folder)
          --keep-data                 keep the temporary folder (databases, service logs) after a successful run
          --plain                     plain progress lines even on a terminal
        """;

    private static IReadOnlyList<string> ScenarioList(string value)
    {
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.FirstOrDefault(n => !AllScenarios.Contains(n, StringComparer.OrdinalIgnoreCase)) is { } unknown)
        {
            throw new ArgumentException($"Unknown scenario '{unknown}'; choose from {string.Join(", ", AllScenarios)}.");
        }

        return names;
    }

    private static BenchOptions Add(BenchOptions options, Dictionary<string, string> settings, string value)
    {
        if (value.Split('=', 2) is not [var key, var setting] || key.Length == 0)
        {
            throw new ArgumentException($"A setting is Key=Value, not '{value}'.");
        }

        settings[key.Replace(":", "__", StringComparison.Ordinal)] = setting;
        return options;
    }

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name} must be a whole number from {min} to {max}.");

    private static double Double(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0
            ? d
            : throw new ArgumentException($"{name} must be a positive number.");

    private static TimeSpan Seconds(string name, string value) => TimeSpan.FromSeconds(Double(name, value));
}

public sealed class HelpRequestedException : Exception;
