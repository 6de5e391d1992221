using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace WebhookLab.Tests.EndToEnd;

// Starts the real AppHost once for a test class: the emitter, the receiver and their SQLite files in a fresh folder,
// with a known signing secret and short timeouts so outages resolve within a test's patience.
public sealed class WebhookLabApp : IAsyncLifetime
{
    // Every end-to-end class shares one AppHost and runs one after the other: outages and chaos are app-wide.
    public const string Collection = "WebhookLab AppHost";

    public const string SigningSecret = "whsec_dGVzdC1zaWduaW5nLXNlY3JldC1vZi13ZWJob29rbGFiISE=";
    public const string EmitterApiKey = "e2e-emitter-api-key-0123456789abcdef";
    public const string ReceiverApiKey = "e2e-receiver-api-key-0123456789abcdef";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("webhooklab-e2e-").FullName;

    public DistributedApplication App { get; private set; } = null!;

    public HttpClient Emitter { get; private set; } = null!;

    public HttpClient Receiver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var cancellation = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.WebhookLab_AppHost>(
        [
            $"--WebhookLab:DataDirectory={_dataDirectory}",
            $"--Parameters:signingsecret={SigningSecret}",
            $"--Parameters:emitterapikey={EmitterApiKey}",
            $"--Parameters:receiverapikey={ReceiverApiKey}",
            // A stopped service's proxy hangs a request until the client gives up: keep attempts short.
            "--Emitter:Delivery:AttemptTimeout=00:00:02",
            "--Emitter:Delivery:LeaseDuration=00:00:08",
            "--Emitter:Delivery:CircuitBreakerBreakDuration=00:00:02",
            "--Emitter:Delivery:RetrySchedule:0=00:00:01",
            "--Emitter:Delivery:RetrySchedule:1=00:00:02",
            "--Emitter:Delivery:RetrySchedule:2=00:00:04",
            "--Emitter:Delivery:RetrySchedule:3=00:00:08",
            "--Emitter:Delivery:RetrySchedule:4=00:00:08",
            "--Emitter:Delivery:RetrySchedule:5=00:00:08",
            "--Emitter:Delivery:RetrySchedule:6=00:00:08",
            "--Emitter:Delivery:RetrySchedule:7=00:00:08",
            "--Emitter:Simulator:EventsPerSecond=1",
        ], cancellation.Token);

        App = await builder.BuildAsync(cancellation.Token);
        await App.StartAsync(cancellation.Token);
        await WaitUntilHealthyAsync("receiver", cancellation.Token);
        await WaitUntilHealthyAsync("emitter", cancellation.Token);

        Emitter = NewClient("emitter", EmitterApiKey);
        Receiver = NewClient("receiver", ReceiverApiKey);
    }

    public async Task WaitUntilHealthyAsync(string resource, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
    }

    public async Task StopAsync(string resource)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, timeout.Token);
        Assert.True(result.Success, $"stopping {resource}: {result.Message}");
        await App.ResourceNotifications.WaitForResourceAsync(resource, KnownResourceStates.TerminalStates, timeout.Token);
    }

    // Not a graceful stop: the service's whole process tree is killed, as by a crash or an OOM kill.
    public async Task KillAsync(string resource)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        Assert.True(App.ResourceNotifications.TryGetCurrentState(resource, out var state), $"no state for {resource}");
        var pid = state!.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value;
        using (var process = System.Diagnostics.Process.GetProcessById(Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture)))
        {
            process.Kill(entireProcessTree: true);
        }

        await App.ResourceNotifications.WaitForResourceAsync(resource, KnownResourceStates.TerminalStates, timeout.Token);
    }

    public async Task StartAsync(string resource)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, timeout.Token);
        Assert.True(result.Success, $"starting {resource}: {result.Message}");
        await WaitUntilHealthyAsync(resource, timeout.Token);
    }

    // A client of a service's API, with its management API key.
    public HttpClient NewClient(string resource, string? apiKey)
    {
        var client = App.CreateHttpClient(resource);
        client.Timeout = TimeSpan.FromSeconds(30);
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    public async Task DisposeAsync()
    {
        Emitter?.Dispose();
        Receiver?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A service still closing its files: the temporary folder is left for the system to clean.
        }
    }
}

[CollectionDefinition(WebhookLabApp.Collection)]
public sealed class WebhookLabAppCollection : ICollectionFixture<WebhookLabApp>;
