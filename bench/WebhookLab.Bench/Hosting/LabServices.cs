using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using WebhookLab.ServiceDefaults.Webhooks;

namespace WebhookLab.Bench.Hosting;

// One scenario's emitter and receiver: real processes, fresh SQLite files in a folder of their own, one shared signing
// secret, seeded subscriptions from the emitter to the receiver, and the meters that measure them.
public sealed class LabServices : IAsyncDisposable
{
    private readonly ServiceLaunch? _emitterLaunch;
    private readonly ServiceLaunch _receiverLaunch;
    private readonly ServiceMeter _emitterMeter = new();
    private readonly ServiceMeter _receiverMeter = new();
    private double _benchCpuBaseline;
    private Stopwatch _measured = new();

    private LabServices(string directory, WebhookSecret secret, ServiceLaunch? emitterLaunch, ServiceLaunch receiverLaunch, IReadOnlyList<string> subscriptionIds, string emitterApiKey, string receiverApiKey)
    {
        Directory = directory;
        Secret = secret;
        _emitterLaunch = emitterLaunch;
        _receiverLaunch = receiverLaunch;
        SubscriptionIds = subscriptionIds;
        EmitterApi = Client(emitterLaunch?.Port ?? 0, emitterApiKey);
        ReceiverApi = Client(receiverLaunch.Port, receiverApiKey);
        Webhooks = Client(receiverLaunch.Port, apiKey: null);
    }

    public string Directory { get; }

    public WebhookSecret Secret { get; }

    public IReadOnlyList<string> SubscriptionIds { get; }

    public string EmitterDatabasePath => Path.Combine(Directory, "emitter.db");

    public string ReceiverDatabasePath => Path.Combine(Directory, "receiver.db");

    public ProcessHost? Emitter { get; private set; }

    public ProcessHost? Receiver { get; private set; }

    // The emitter's API and the receiver's management API, with their keys; Webhooks posts to the receiver with none.
    public HttpClient EmitterApi { get; }

    public HttpClient ReceiverApi { get; }

    public HttpClient Webhooks { get; }

    public static async Task<LabServices> StartAsync(
        string name, ServiceBinaries binaries, BenchOptions options, LabSettings settings, string workDirectory, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(workDirectory, name);
        System.IO.Directory.CreateDirectory(directory);
        var logs = Path.Combine(directory, "logs");
        var secret = WebhookSecret.Generate();
        var synchronous = options.Durability.ToString();
        var receiverPort = FreePort.Next();
        var emitterPort = FreePort.Next();
        while (emitterPort == receiverPort)
        {
            emitterPort = FreePort.Next();
        }

        var receiverApiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var receiverEnvironment = new Dictionary<string, string>
        {
            ["ConnectionStrings__receiverdb"] = $"Data Source={Path.Combine(directory, "receiver.db")}",
            ["Receiver__SigningSecrets__0"] = secret.Reveal(),
            ["Receiver__ApiKey"] = receiverApiKey,
            ["Sqlite__receiverdb__Synchronous"] = synchronous,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        Merge(receiverEnvironment, options.ReceiverSettings);
        var receiverLaunch = new ServiceLaunch("receiver", binaries.ReceiverDll, receiverPort, receiverEnvironment, logs);

        var emitterApiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var subscriptionIds = Enumerable.Range(0, settings.Subscriptions).Select(i => $"sub_bench{i}").ToList();
        ServiceLaunch? emitterLaunch = null;
        if (settings.StartEmitter)
        {
            var emitterEnvironment = new Dictionary<string, string>
            {
                ["ConnectionStrings__emitterdb"] = $"Data Source={Path.Combine(directory, "emitter.db")}",
                ["Emitter__ApiKey"] = emitterApiKey,
                ["Emitter__AllowPrivateNetworks"] = "true",
                ["Sqlite__emitterdb__Synchronous"] = synchronous,
                ["Logging__LogLevel__Default"] = "Warning",
            };
            for (var i = 0; i < settings.Subscriptions; i++)
            {
                // The receiver serves only /webhooks: fanned-out subscriptions differ by a query string it ignores.
                var url = $"http://127.0.0.1:{receiverPort}/webhooks" + (settings.Subscriptions > 1 ? $"?s={i}" : "");
                emitterEnvironment[$"Emitter__Seed__{i}__Id"] = subscriptionIds[i];
                emitterEnvironment[$"Emitter__Seed__{i}__Url"] = url;
                emitterEnvironment[$"Emitter__Seed__{i}__Secret"] = secret.Reveal();
            }

            Merge(emitterEnvironment, settings.Emitter);
            Merge(emitterEnvironment, options.EmitterSettings);
            emitterLaunch = new ServiceLaunch("emitter", binaries.EmitterDll, emitterPort, emitterEnvironment, logs);
        }

        var lab = new LabServices(directory, secret, emitterLaunch, receiverLaunch, subscriptionIds, emitterApiKey, receiverApiKey);
        // The two start side by side: the emitter does not need the receiver to be up.
        var receiver = settings.StartReceiver ? ProcessHost.StartAsync(receiverLaunch, cancellationToken) : null;
        var emitter = emitterLaunch is null ? null : ProcessHost.StartAsync(emitterLaunch, cancellationToken);
        try
        {
            await Task.WhenAll(new[] { receiver, emitter }.OfType<Task<ProcessHost>>());
        }
        catch
        {
            // Whichever did start is stopped with the lab.
            await Task.WhenAll(new[] { receiver, emitter }.OfType<Task<ProcessHost>>().Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            lab.Receiver = receiver is { IsCompletedSuccessfully: true } ? receiver.Result : null;
            lab.Emitter = emitter is { IsCompletedSuccessfully: true } ? emitter.Result : null;
            await lab.DisposeAsync();
            throw;
        }

        lab.Receiver = receiver?.Result;
        lab.Emitter = emitter?.Result;
        return lab;
    }

    public async Task StopReceiverAsync()
    {
        if (Receiver is { } receiver)
        {
            _receiverMeter.Stopping(receiver.Usage());
            Receiver = null;
            await receiver.StopAsync();
        }
    }

    // The receiver again, on the same port and the same database file.
    public async Task StartReceiverAsync(CancellationToken cancellationToken)
    {
        Receiver ??= await ProcessHost.StartAsync(_receiverLaunch, cancellationToken);
    }

    public void BeginMeasurement()
    {
        _emitterMeter.Begin(Emitter?.Usage());
        _receiverMeter.Begin(Receiver?.Usage());
        _benchCpuBaseline = ProcessUsage.Current()?.CpuSeconds ?? 0;
        _measured = Stopwatch.StartNew();
    }

    public void Sample()
    {
        _emitterMeter.Sample(Emitter?.Usage());
        _receiverMeter.Sample(Receiver?.Usage());
    }

    public ResourceFigures EndMeasurement()
    {
        var emitter = _emitterMeter.End(Emitter?.Usage());
        var receiver = _receiverMeter.End(Receiver?.Usage());
        return new ResourceFigures(
            _measured.Elapsed.TotalSeconds,
            emitter.CpuSeconds,
            receiver.CpuSeconds,
            (ProcessUsage.Current()?.CpuSeconds ?? 0) - _benchCpuBaseline,
            emitter.PeakRss,
            receiver.PeakRss,
            emitter.SampledMaxRss,
            receiver.SampledMaxRss,
            emitter.AnonMaxRss,
            emitter.FileMaxRss,
            receiver.AnonMaxRss,
            receiver.FileMaxRss);
    }

    public async ValueTask DisposeAsync()
    {
        EmitterApi.Dispose();
        ReceiverApi.Dispose();
        Webhooks.Dispose();
        // The emitter first: it stops sending before the receiver goes.
        if (Emitter is { } emitter)
        {
            await emitter.StopAsync();
        }

        if (Receiver is { } receiver)
        {
            await receiver.StopAsync();
        }
    }

    private static HttpClient Client(int port, string? apiKey)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            UseCookies = false,
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(5) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    private static void Merge(Dictionary<string, string> target, IReadOnlyDictionary<string, string> settings)
    {
        foreach (var (key, value) in settings)
        {
            target[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
    }

    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
