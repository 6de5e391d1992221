using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using WebhookLab.ServiceDefaults;
using WebhookLab.Tests.EndToEnd;

namespace WebhookLab.Tests.Emitter;

// What the emitter tells the dashboard: instruments with the documented names, units and tags for each outcome,
// one trace from the publishing request to the receiver, and statistics that add up.
public sealed class TelemetryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static EmitterHost LocalEmitter() => new(new() { ["Emitter:AllowPrivateNetworks"] = "true" });

    private static async Task<string> SubscribeAsync(HttpClient client, string url, params string[] eventTypes)
    {
        using var response = await client.PostAsJsonAsync("/api/subscriptions", new { url, eventTypes });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static Task WaitForStatusAsync(HttpClient client, string eventId, string status) =>
        Eventually.WaitAsync(async () => (await client.GetEventAsync(eventId)).Deliveries.All(d => d.Status == status), Patience, $"{eventId} {status}");

    [Fact]
    public async Task DeliveryInstrumentsCarryTheDocumentedNamesUnitsAndTagsForEachOutcome()
    {
        await using var ok = new TestEndpoint();
        await using var failing = new TestEndpoint((_, _) => 500);
        await using var slow = new TestEndpoint((_, _) =>
        {
            // A receiver slower than the 2 s attempt timeout.
            Task.Delay(TimeSpan.FromSeconds(3)).Wait();
            return 204;
        });
        using var emitter = LocalEmitter();
        using var client = emitter.CreateApiClient();
        var meters = emitter.Services.GetRequiredService<IMeterFactory>();
        using var published = new MetricCollector<long>(meters, WebhookLabTelemetry.EmitterName, "webhooks.events.published");
        using var attempts = new MetricCollector<long>(meters, WebhookLabTelemetry.EmitterName, "webhooks.delivery.attempts");
        using var durations = new MetricCollector<double>(meters, WebhookLabTelemetry.EmitterName, "webhooks.delivery.attempt.duration");
        using var latency = new MetricCollector<double>(meters, WebhookLabTelemetry.EmitterName, "webhooks.delivery.latency");
        using var retries = new MetricCollector<long>(meters, WebhookLabTelemetry.EmitterName, "webhooks.delivery.retries_scheduled");
        using var dead = new MetricCollector<long>(meters, WebhookLabTelemetry.EmitterName, "webhooks.deliveries.dead");
        await SubscribeAsync(client, ok.Url, "test.ok");
        await SubscribeAsync(client, failing.Url, "test.failing");
        await SubscribeAsync(client, slow.Url, "test.slow");

        var delivered = await client.PublishAsync("test.ok", new { n = 1 });
        var died = await client.PublishAsync("test.failing", new { n = 2 });
        var timedOut = await client.PublishAsync("test.slow", new { n = 3 });
        await WaitForStatusAsync(client, delivered.Id, "succeeded");
        await WaitForStatusAsync(client, died.Id, "dead");
        await Eventually.WaitAsync(async () => (await client.GetEventAsync(timedOut.Id)).Deliveries[0].Attempts.Length >= 1, Patience, "a timed-out attempt");

        Assert.Contains(published.GetMeasurementSnapshot(), m => (string?)m.Tags["webhook.event_type"] == "test.failing");
        var attemptTags = attempts.GetMeasurementSnapshot().Select(m => m.Tags).ToList();
        Assert.Contains(attemptTags, t => (string?)t["webhook.outcome"] == "success" && (int?)t["http.response.status_code"] == 204 && (string?)t["webhook.attempt"] == "1");
        Assert.Contains(attemptTags, t => (string?)t["webhook.outcome"] == "http_error" && (int?)t["http.response.status_code"] == 500 && (string?)t["webhook.attempt"] == "4-5");
        Assert.Contains(attemptTags, t => (string?)t["webhook.outcome"] == "timeout" && !t.ContainsKey("http.response.status_code"));
        Assert.Equal("{attempt}", attempts.Instrument!.Unit);
        Assert.Equal("s", durations.Instrument!.Unit);
        Assert.All(durations.GetMeasurementSnapshot(), m => Assert.InRange(m.Value, 0, 10));
        Assert.Equal("s", latency.Instrument!.Unit);
        Assert.NotEmpty(latency.GetMeasurementSnapshot());
        Assert.True(retries.GetMeasurementSnapshot().Sum(m => m.Value) >= 3, "the failing delivery's three retries");
        Assert.Equal(1, dead.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task OneTraceRunsFromThePublishingRequestThroughEachAttemptToTheReceiver()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == WebhookLabTelemetry.EmitterName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var endpoint = new TestEndpoint((number, _) => number == 1 ? 503 : 204);
        using var emitter = LocalEmitter();
        using var client = emitter.CreateApiClient();
        await SubscribeAsync(client, endpoint.Url, "test.traced");

        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = JsonContent.Create(new { type = "test.traced", data = new { n = 1 } }) };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await client.SendAsync(request);
        var published = (await response.Content.ReadFromJsonAsync<Published>())!;
        await WaitForStatusAsync(client, published.Id, "succeeded");

        // Both attempts, the failed one and the retry, are in the publishing request's trace, and so is what the receiver got.
        var attemptSpans = spans.Where(s => s.OperationName == "webhook deliver" && (string?)s.GetTagItem("webhook.id") == published.Id).OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal(2, attemptSpans.Count);
        Assert.All(attemptSpans, s => Assert.Equal(traceId, s.TraceId));
        Assert.Equal(ActivityStatusCode.Error, attemptSpans[0].Status);
        Assert.Equal(503, attemptSpans[0].GetTagItem("http.response.status_code"));
        Assert.Equal("http_error", attemptSpans[0].GetTagItem("webhook.outcome"));
        Assert.Equal(2, attemptSpans[1].GetTagItem("webhook.attempt"));
        Assert.Equal("success", attemptSpans[1].GetTagItem("webhook.outcome"));
        Assert.NotNull(attemptSpans[1].GetTagItem("webhook.subscription_id"));
        Assert.Contains(spans, s => s.OperationName == "outbox write" && s.TraceId == traceId);
        Assert.All(endpoint.TraceParents, header => Assert.StartsWith($"00-{traceId}-", header));
        var view = await client.GetEventAsync(published.Id);
        Assert.All(view.Deliveries[0].Attempts, a => Assert.Equal(traceId.ToString(), a.TraceId));
    }

    [Fact]
    public async Task StatsAddUpForAKnownMixOfSuccessesRetriesAndDeadDeliveries()
    {
        await using var ok = new TestEndpoint();
        var flakyCalls = new ConcurrentDictionary<string, int>();
        await using var flaky = new TestEndpoint();
        // Every delivery to the flaky endpoint fails once (503), then succeeds.
        flaky.Answer = (_, _) => flakyCalls.AddOrUpdate(flaky.Requests.Last().WebhookId, 1, (_, n) => n + 1) == 1 ? 503 : 204;
        await using var gone = new TestEndpoint((_, _) => 410);
        using var emitter = LocalEmitter();
        using var client = emitter.CreateApiClient();
        var okId = await SubscribeAsync(client, ok.Url, "test.mix");
        var flakyId = await SubscribeAsync(client, flaky.Url, "test.mix");
        var goneId = await SubscribeAsync(client, gone.Url, "test.gone");
        var since = DateTime.UtcNow.AddSeconds(-5);

        var events = new List<Published>();
        for (var i = 0; i < 4; i++)
        {
            events.Add(await client.PublishAsync("test.mix", new { i }));
        }

        var goneEvent = await client.PublishAsync("test.gone", new { n = 1 });
        foreach (var e in events)
        {
            await WaitForStatusAsync(client, e.Id, "succeeded");
        }

        await WaitForStatusAsync(client, goneEvent.Id, "dead");
        var stats = await client.GetFromJsonAsync<JsonElement>($"/api/stats?since={since:O}");
        var bySubscription = stats.GetProperty("subscriptions").EnumerateArray().ToDictionary(s => s.GetProperty("subscriptionId").GetString()!);

        AssertStats(bySubscription[okId], delivered: 4, dead: 0, attempts: 4, successful: 4, rate: 1.0);
        AssertStats(bySubscription[flakyId], delivered: 4, dead: 0, attempts: 8, successful: 4, rate: 0.5);
        AssertStats(bySubscription[goneId], delivered: 0, dead: 1, attempts: 1, successful: 0, rate: 0.0);
        var latency = bySubscription[flakyId].GetProperty("latencyMs");
        // A retry waits about a second, so the flaky endpoint's deliveries are slower than the healthy one's.
        Assert.True(latency.GetProperty("p50").GetDouble() >= 500, latency.ToString());
        Assert.True(latency.GetProperty("p50").GetDouble() <= latency.GetProperty("p95").GetDouble());
        Assert.True(latency.GetProperty("p95").GetDouble() <= latency.GetProperty("p99").GetDouble());
        Assert.True(bySubscription[okId].GetProperty("latencyMs").GetProperty("p99").GetDouble() < latency.GetProperty("p50").GetDouble());
    }

    private static void AssertStats(JsonElement stats, long delivered, long dead, long attempts, long successful, double rate)
    {
        Assert.Equal(delivered, stats.GetProperty("delivered").GetInt64());
        Assert.Equal(dead, stats.GetProperty("dead").GetInt64());
        Assert.Equal(0, stats.GetProperty("pending").GetInt64());
        Assert.Equal(attempts, stats.GetProperty("attempts").GetInt64());
        Assert.Equal(successful, stats.GetProperty("successfulAttempts").GetInt64());
        Assert.Equal(rate, stats.GetProperty("successRate").GetDouble(), 3);
    }
}
