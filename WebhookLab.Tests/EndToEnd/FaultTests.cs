using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace WebhookLab.Tests.EndToEnd;

// Faults on the real AppHost: a crash, slow and throttling receivers, random errors, a gone endpoint, a secret
// rotation. Each counts exactly: every accepted event is delivered, and none is stored or processed twice.
[Collection(WebhookLabApp.Collection)]
public sealed class FaultTests(WebhookLabApp lab) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    public Task InitializeAsync() => SetChaosAsync(new { });

    // Whatever a test did to the receiver, the next one starts with it healthy.
    public Task DisposeAsync() => SetChaosAsync(new { });

    private async Task SetChaosAsync(object chaos)
    {
        using var response = await lab.Receiver.PostAsJsonAsync("/api/chaos", chaos);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task AllArriveOnceAsync(IReadOnlyCollection<Published> published, string what)
    {
        await Eventually.WaitAsync(async () =>
        {
            var received = (await lab.Receiver.ListReceivedAsync()).Where(r => r.ProcessedAt is not null).Select(r => r.WebhookId).ToHashSet();
            return published.All(p => received.Contains(p.Id));
        }, Patience, what);

        var all = await lab.Receiver.ListReceivedAsync();
        Assert.All(published, p => Assert.Single(all, r => r.WebhookId == p.Id));
    }

    private async Task<Published[]> PublishManyAsync(string type, int count)
    {
        var published = new List<Published>(count);
        foreach (var chunk in Enumerable.Range(0, count).Chunk(25))
        {
            published.AddRange(await Task.WhenAll(chunk.Select(i => lab.Emitter.PublishAsync(type, new { i }))));
        }

        return [.. published];
    }

    [Fact]
    public async Task EmitterKilledHardMidFlightLosesNothing()
    {
        var published = await PublishManyAsync("test.crash", 100);
        await lab.KillAsync("emitter");
        await lab.StartAsync("emitter");

        // Claims held by the killed process come due when their leases expire, and are sent again.
        await AllArriveOnceAsync(published, "every event published before the crash");
    }

    [Fact]
    public async Task AReceiverSlowerThanTheAttemptTimeoutGetsEachWebhookOnceWhenItIsFastAgain()
    {
        await SetChaosAsync(new { latencyMs = 3000 });
        var published = await PublishManyAsync("test.slow", 10);
        await Eventually.WaitAsync(async () =>
            (await lab.Emitter.GetEventAsync(published[0].Id)).Deliveries.Any(d => d.Attempts.Any(a => a.Error?.Contains("No answer within") == true)),
            Patience, "an attempt to time out");

        await SetChaosAsync(new { });
        await AllArriveOnceAsync(published, "every event after the receiver is fast again");
    }

    [Fact]
    public async Task AThrottlingReceiversRetryAfterIsWaitedOut()
    {
        await SetChaosAsync(new { failureRate = 1.0, statusCode = 429, retryAfterSeconds = 4 });
        var published = await lab.Emitter.PublishAsync("test.throttled", new { n = 1 });
        await Eventually.WaitAsync(async () =>
            (await lab.Emitter.GetEventAsync(published.Id)).Deliveries.Single(d => d.SubscriptionId == "sub_receiver").Attempts.Length >= 2,
            Patience, "two throttled attempts");
        await SetChaosAsync(new { });
        await AllArriveOnceAsync([published], "the throttled event");

        var attempts = (await lab.Emitter.GetEventAsync(published.Id)).Deliveries.Single(d => d.SubscriptionId == "sub_receiver").Attempts;
        Assert.Equal(429, attempts[0].StatusCode);
        // The retry schedule alone would have tried again after 1 s.
        Assert.True(attempts[1].AttemptedAt - attempts[0].AttemptedAt >= TimeSpan.FromSeconds(4),
            $"attempts at {attempts[0].AttemptedAt:O} and {attempts[1].AttemptedAt:O}");
    }

    [Fact]
    public async Task ABurstOf500EventsAgainst30PercentRandomErrorsIsDeliveredInFull()
    {
        await SetChaosAsync(new { failureRate = 0.3, statusCode = 500 });
        var published = await PublishManyAsync("test.flaky", 500);

        await AllArriveOnceAsync(published, "all 500 events through random errors");
        var attempts = 0;
        foreach (var p in published.Take(100))
        {
            attempts += (await lab.Emitter.GetEventAsync(p.Id)).Deliveries.Single(d => d.SubscriptionId == "sub_receiver").Attempts.Length;
        }

        // Some deliveries needed retries: the errors were real.
        Assert.True(attempts > 100, $"{attempts} attempts for 100 deliveries");
    }

    [Fact]
    public async Task A410DisablesTheSubscriptionAndRecoverAfterReEnablingDeliversItsDeadDeliveries()
    {
        var since = DateTime.UtcNow.AddSeconds(-1);
        await SetChaosAsync(new { failureRate = 1.0, statusCode = 410 });
        Published gone;
        try
        {
            gone = await lab.Emitter.PublishAsync("test.gone", new { n = 1 });
            await Eventually.WaitAsync(async () =>
                !(await lab.Emitter.GetFromJsonAsync<JsonElement>("/api/subscriptions/sub_receiver")).GetProperty("enabled").GetBoolean(),
                Patience, "the subscription to be disabled by the 410");
            var view = await lab.Emitter.GetEventAsync(gone.Id);
            Assert.Equal("dead", view.Deliveries.Single(d => d.SubscriptionId == "sub_receiver").Status);
        }
        finally
        {
            await SetChaosAsync(new { });
            using var enable = await lab.Emitter.PatchAsJsonAsync("/api/subscriptions/sub_receiver", new { enabled = true });
            Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        }

        using var recover = await lab.Emitter.PostAsync($"/api/subscriptions/sub_receiver/recover?since={since:O}", null);
        Assert.Equal(HttpStatusCode.Accepted, recover.StatusCode);
        Assert.True((await recover.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requeued").GetInt32() >= 1);
        await AllArriveOnceAsync([gone], "the recovered event");
    }

    [Fact]
    public async Task DuringASecretRotationAReceiverWithOnlyTheNewOrOnlyTheOldSecretAcceptsDeliveries()
    {
        // The receiver knows one secret, the AppHost's. Subscription "toNew" rotates to it (the receiver has only the
        // new secret); "fromOld" rotates away from it (the receiver has only the old one); "control" never had it.
        var receiverUrl = (await lab.Emitter.GetFromJsonAsync<JsonElement>("/api/subscriptions/sub_receiver")).GetProperty("url").GetString()!;
        var toNew = await CreateAsync(receiverUrl, "whsec_" + Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray()));
        var fromOld = await CreateAsync(receiverUrl, WebhookLabApp.SigningSecret);
        var control = await CreateAsync(receiverUrl, null);
        try
        {
            using (var rotate = await lab.Emitter.PostAsJsonAsync($"/api/subscriptions/{toNew}/rotate-secret", new { secret = WebhookLabApp.SigningSecret }))
            {
                Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
            }

            using (var rotate = await lab.Emitter.PostAsync($"/api/subscriptions/{fromOld}/rotate-secret", null))
            {
                Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
            }

            var published = await lab.Emitter.PublishAsync("test.rotation", new { n = 1 });
            var view = await Eventually.WaitAsync(async () =>
            {
                var v = await lab.Emitter.GetEventAsync(published.Id);
                var mine = v.Deliveries.Where(d => d.SubscriptionId == toNew || d.SubscriptionId == fromOld || d.SubscriptionId == control).ToList();
                return mine.Count == 3 && mine.All(d => d.Attempts.Length > 0) ? v : null;
            }, Patience, "first attempts of the rotation deliveries");

            Assert.Equal("succeeded", view.Deliveries.Single(d => d.SubscriptionId == toNew).Status);
            Assert.Equal("succeeded", view.Deliveries.Single(d => d.SubscriptionId == fromOld).Status);
            Assert.Equal(401, view.Deliveries.Single(d => d.SubscriptionId == control).Attempts[0].StatusCode);
        }
        finally
        {
            foreach (var id in new[] { toNew, fromOld, control })
            {
                await lab.Emitter.DeleteAsync($"/api/subscriptions/{id}");
            }
        }
    }

    private async Task<string> CreateAsync(string url, string? secret)
    {
        using var response = await lab.Emitter.PostAsJsonAsync("/api/subscriptions", new { url, secret, eventTypes = new[] { "test.rotation" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}
