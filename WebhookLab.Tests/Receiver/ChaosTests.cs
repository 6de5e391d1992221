using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using WebhookLab.Receiver.Diagnostics;
using static WebhookLab.Tests.Receiver.ReceiverRequests;

namespace WebhookLab.Tests.Receiver;

// Outages, throttling and slow answers on demand, over real connections (Kestrel on 127.0.0.1): a fault stores nothing,
// is counted by kind, and {} turns everything off again.
public sealed class ChaosTests(KestrelReceiverHost receiver) : IClassFixture<KestrelReceiverHost>, IAsyncLifetime
{
    private static readonly ChaosView Off = new(0, 0, 503, false, null);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly HttpClient _management = receiver.CreateManagementClient();

    public Task InitializeAsync() => _management.SetChaosAsync("{}");

    // Every test leaves chaos off, whatever it asserted.
    public async Task DisposeAsync()
    {
        await _management.SetChaosAsync("{}");
        _management.Dispose();
    }

    [Fact]
    public async Task ThrottlingAnswers429WithRetryAfterAsProblemDetailsAndStoresNothing()
    {
        using var faults = new MeasurementRecorder(receiver.Services, "webhooks.chaos.injected");
        var settings = await _management.SetChaosAsync("""{"failureRate":1,"statusCode":429,"retryAfterSeconds":7}""");
        Assert.Equal(new ChaosView(1, 0, 429, false, 7), settings);
        Assert.Equal(settings, await _management.GetFromJsonAsync<ChaosView>("/api/chaos"));
        var accepted = (await _management.StatsAsync()).Accepted;

        using var client = receiver.CreateClient();
        var webhookId = NewWebhookId();
        using var response = await client.SendAsync(Webhook(Envelope(), id: webhookId));

        var problem = await AssertProblemAsync(response, HttpStatusCode.TooManyRequests);
        Assert.Equal("Simulated failure", problem.GetProperty("title").GetString());
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        Assert.Equal("7", Assert.Single(response.Headers.GetValues("Retry-After")));
        Assert.False(await _management.IsStoredAsync(webhookId));
        Assert.Equal(accepted, (await _management.StatsAsync()).Accepted);
        var fault = Assert.Single(faults.Measurements);
        Assert.Equal(ChaosFault.Failure, fault[ReceiverDiagnostics.ChaosTag]);
    }

    [Fact]
    public async Task DownClosesTheConnectionWithoutAnAnswerAndStoresNothing()
    {
        using var faults = new MeasurementRecorder(receiver.Services, "webhooks.chaos.injected");
        Assert.True((await _management.SetChaosAsync("""{"down":true}""")).Down);
        var accepted = (await _management.StatsAsync()).Accepted;

        // A client of its own, so the request goes out on a fresh connection that the receiver then closes.
        using var client = receiver.CreateClient();
        var webhookId = NewWebhookId();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(Webhook(Envelope(), id: webhookId)));

        Assert.False(await _management.IsStoredAsync(webhookId));
        Assert.Equal(accepted, (await _management.StatsAsync()).Accepted);
        Assert.NotEmpty(faults.Measurements);
        Assert.All(faults.Measurements, fault => Assert.Equal(ChaosFault.Down, fault[ReceiverDiagnostics.ChaosTag]));
    }

    [Fact]
    public async Task AnEmptyObjectTurnsChaosOffAndTheNextWebhookIsStored()
    {
        await _management.SetChaosAsync("""{"failureRate":0.5,"latencyMs":100,"statusCode":500,"down":true,"retryAfterSeconds":3}""");

        Assert.Equal(Off, await _management.SetChaosAsync("{}"));
        Assert.Equal(Off, await _management.GetFromJsonAsync<ChaosView>("/api/chaos"));

        using var client = receiver.CreateClient();
        var webhookId = NewWebhookId();
        using var response = await client.SendAsync(Webhook(Envelope(), id: webhookId));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(await _management.IsStoredAsync(webhookId));
    }

    [Fact]
    public async Task LatencyDelaysTheAnswerByAtLeastTheConfiguredTimeAndThenStores()
    {
        await _management.SetChaosAsync("""{"latencyMs":300}""");
        using var client = receiver.CreateClient();
        var webhookId = NewWebhookId();

        var stopwatch = Stopwatch.StartNew();
        using var response = await client.SendAsync(Webhook(Envelope(), id: webhookId));
        stopwatch.Stop();

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        // A lower bound only: the delay is the feature; how much longer the answer takes is the machine's business.
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(290), $"answered after {stopwatch.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(await _management.IsStoredAsync(webhookId));
    }

    [Fact]
    public async Task AClientGivingUpOnASlowAnswerEndsTheWaitAndNothingIsStored()
    {
        await _management.SetChaosAsync("""{"latencyMs":600000}""");
        using var client = receiver.CreateClient();
        var webhookId = NewWebhookId();
        using var requestsEnded = new MeasurementRecorder(receiver.Services, "http.server.request.duration");

        using (var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SendAsync(Webhook(Envelope(), id: webhookId), giveUp.Token));
        }

        // The receiver ends the abandoned request long before the ten minutes are up: the wait is cancelled with it.
        await requestsEnded.WaitForAsync(1, Patience);
        Assert.False(await _management.IsStoredAsync(webhookId));
    }
}
