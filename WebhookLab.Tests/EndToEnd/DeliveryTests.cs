using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using StandardWebhooks;

namespace WebhookLab.Tests.EndToEnd;

// The user's story on the real AppHost: events go in at the emitter and come out, verified, once, at the receiver,
// through outages of either side.
[Collection(WebhookLabApp.Collection)]
public sealed class DeliveryTests(WebhookLabApp lab)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task PublishedEventIsStoredByTheReceiverOnceAndProcessed()
    {
        var published = await lab.Emitter.PublishAsync("test.published", new { n = 42, text = "héllo" }, idempotencyKey: Guid.NewGuid().ToString());

        var received = await Eventually.WaitAsync(() => lab.Receiver.FindReceivedAsync(published.Id), Patience, $"{published.Id} at the receiver");
        Assert.Equal("test.published", received.Type);
        Assert.Equal(42, received.Data.GetProperty("n").GetInt32());
        Assert.Equal("héllo", received.Data.GetProperty("text").GetString());

        await Eventually.WaitAsync(async () => (await lab.Receiver.FindReceivedAsync(published.Id))?.ProcessedAt is not null, Patience, "processing");
        Assert.Single(await lab.Receiver.ListReceivedAsync(), r => r.WebhookId == published.Id);

        // The emitter's record of it: one delivery to the seeded subscription, succeeded with a 2xx attempt.
        var view = await Eventually.WaitAsync(async () =>
        {
            var e = await lab.Emitter.GetEventAsync(published.Id);
            return e.Deliveries.All(d => d.Status == "succeeded") ? e : null;
        }, Patience, "the delivery to be recorded as succeeded");
        var delivery = Assert.Single(view.Deliveries, d => d.SubscriptionId == "sub_receiver");
        Assert.InRange(delivery.Attempts[^1].StatusCode!.Value, 200, 299);
    }

    [Fact]
    public async Task TheReceiverContinuesTheTraceTheEmitterRecordedForTheDelivery()
    {
        var published = await lab.Emitter.PublishAsync("test.traced", new { n = 1 });

        var received = await Eventually.WaitAsync(() => lab.Receiver.FindReceivedAsync(published.Id), Patience, $"{published.Id} at the receiver");
        var view = await Eventually.WaitAsync(async () =>
        {
            var e = await lab.Emitter.GetEventAsync(published.Id);
            return e.Deliveries.Any(d => d.Status == "succeeded") ? e : null;
        }, Patience, "the delivery to be recorded");

        var attempt = view.Deliveries.Single(d => d.SubscriptionId == "sub_receiver").Attempts[^1];
        Assert.Matches("^[0-9a-f]{32}$", attempt.TraceId);
        Assert.Equal(attempt.TraceId, received.TraceId);
    }

    [Fact]
    public async Task TheSameIdempotencyKeyAnswersTheSameEventAndDeliversOnce()
    {
        var key = Guid.NewGuid().ToString();
        var first = await lab.Emitter.PublishAsync("test.idempotent", new { n = 1 }, key);
        var again = await lab.Emitter.PublishAsync("test.idempotent", new { n = 1 }, key);

        Assert.Equal(first, again);
        await Eventually.WaitAsync(() => lab.Receiver.FindReceivedAsync(first.Id), Patience, $"{first.Id} at the receiver");
        var view = await lab.Emitter.GetEventAsync(first.Id);
        Assert.Equal(first.Deliveries, view.Deliveries.Length);
    }

    [Fact]
    public async Task CreatingAnOrderDeliversOrderCreatedToTheReceiversProjection()
    {
        using var response = await lab.Emitter.PostAsJsonAsync("/api/orders", new { customer = "Grace Hopper", amount = 99.95m });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = (await response.Content.ReadFromJsonAsync<JsonElement>());
        var orderId = order.GetProperty("id").GetString()!;
        var eventId = order.GetProperty("eventId").GetString()!;

        var received = await Eventually.WaitAsync(() => lab.Receiver.FindReceivedAsync(eventId), Patience, "order.created at the receiver");
        Assert.Equal("order.created", received.Type);
        Assert.Equal(orderId, received.Data.GetProperty("orderId").GetString());

        var projected = await Eventually.WaitAsync(async () =>
            (await lab.Receiver.GetFromJsonAsync<ReceivedOrder[]>("/api/orders"))!.FirstOrDefault(o => o.OrderId == orderId), Patience, "the order in the receiver's projection");
        Assert.Equal("Grace Hopper", projected.Customer);
        Assert.Equal(99.95m, projected.Amount);
        Assert.Equal(eventId, projected.WebhookId);
    }

    [Fact]
    public async Task WhatTheEmitterSendsVerifiesWithAnIndependentStandardWebhooksImplementation()
    {
        await using var verifier = new IndependentVerifier();
        using var created = await lab.Emitter.PostAsJsonAsync("/api/subscriptions", new { url = verifier.Url, eventTypes = new[] { "test.independent" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var subscription = (await created.Content.ReadFromJsonAsync<CreatedSubscription>())!;
        Assert.Matches("^whsec_[A-Za-z0-9+/]{43}=$", subscription.Secret);
        verifier.Trust(subscription.Secret);

        try
        {
            var published = await lab.Emitter.PublishAsync("test.independent", new { n = 7 });
            var seen = await Eventually.WaitAsync(() => Task.FromResult(verifier.Requests.FirstOrDefault(r => r.WebhookId == published.Id)), Patience, "the webhook at the independent verifier");

            Assert.Null(seen.VerificationFailure);
            Assert.StartsWith("application/json", seen.ContentType);
            Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", seen.TraceParent);
            using var body = JsonDocument.Parse(seen.Body);
            Assert.Equal("test.independent", body.RootElement.GetProperty("type").GetString());
            Assert.True(DateTimeOffset.TryParse(body.RootElement.GetProperty("timestamp").GetString(), out _));
            Assert.Equal(7, body.RootElement.GetProperty("data").GetProperty("n").GetInt32());
        }
        finally
        {
            await lab.Emitter.DeleteAsync($"/api/subscriptions/{subscription.Id}");
        }
    }

    [Fact]
    public async Task TheReceiverAcceptsWhatAnIndependentImplementationSignsAndRejectsTampering()
    {
        var signer = new StandardWebhook(WebhookLabApp.SigningSecret);
        var id = $"msg_independent{Guid.NewGuid():N}";
        var body = JsonSerializer.Serialize(new { type = "test.signed", timestamp = DateTimeOffset.UtcNow, data = new { n = 1 } });
        var timestamp = DateTimeOffset.UtcNow;
        var signature = signer.Sign(id, timestamp, body);

        // Tampered: the signed body with one character changed.
        using (var tampered = await PostWebhookAsync(id, timestamp, signature, body.Replace("\"n\":1", "\"n\":2")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
            Assert.Equal("application/problem+json", tampered.Content.Headers.ContentType?.MediaType);
        }

        using (var replayedLater = await PostWebhookAsync(id, timestamp.AddMinutes(-6), signer.Sign(id, timestamp.AddMinutes(-6), body), body))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, replayedLater.StatusCode);
        }

        using (var otherKey = await PostWebhookAsync(id, timestamp, new StandardWebhook("whsec_" + Convert.ToBase64String(new byte[32])).Sign(id, timestamp, body), body))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, otherKey.StatusCode);
        }

        Assert.Null(await lab.Receiver.FindReceivedAsync(id));

        using (var genuine = await PostWebhookAsync(id, timestamp, signature, body))
        {
            Assert.True(genuine.IsSuccessStatusCode, $"genuine webhook answered {genuine.StatusCode}");
        }

        var stored = await lab.Receiver.FindReceivedAsync(id);
        Assert.NotNull(stored);
        Assert.Equal(1, stored.ReceiveCount);
    }

    [Fact]
    public async Task EventsPublishedWhileTheReceiverIsDownLongerThanSeveralRetriesAllArriveWithTheirIds()
    {
        await lab.StopAsync("receiver");
        List<Published> published;
        try
        {
            published = [];
            for (var i = 0; i < 200; i++)
            {
                published.Add(await lab.Emitter.PublishAsync("test.outage", new { i }));
            }

            // Down for longer than several retry intervals: the first event has failed three times before the receiver returns.
            await Eventually.WaitAsync(async () =>
            {
                var view = await lab.Emitter.GetEventAsync(published[0].Id);
                return view.Deliveries.Any(d => d.Status == "failed" && d.Attempts.Length >= 3);
            }, Patience, "three failed attempts during the outage");
        }
        finally
        {
            await lab.StartAsync("receiver");
        }

        foreach (var p in published)
        {
            var received = await Eventually.WaitAsync(() => lab.Receiver.FindReceivedAsync(p.Id), Patience, $"{p.Id} after the outage");
            Assert.Equal("test.outage", received.Type);
        }

        var all = await lab.Receiver.ListReceivedAsync();
        Assert.All(published, p => Assert.Single(all, r => r.WebhookId == p.Id));
        var firstView = await lab.Emitter.GetEventAsync(published[0].Id);
        Assert.True(firstView.Deliveries.Single(d => d.SubscriptionId == "sub_receiver").Attempts.Length >= 4, "delivered on a later retry");
    }

    [Fact]
    public async Task EmitterStoppedMidFlightLosesNothingAndTheReceiverProcessesNothingTwice()
    {
        var publishing = Enumerable.Range(0, 60).Select(i => lab.Emitter.PublishAsync("test.restart", new { i })).ToList();
        var published = await Task.WhenAll(publishing);
        await lab.StopAsync("emitter");
        await lab.StartAsync("emitter");

        await Eventually.WaitAsync(async () =>
        {
            var received = (await lab.Receiver.ListReceivedAsync()).Where(r => r.Type == "test.restart" && r.ProcessedAt is not null).Select(r => r.WebhookId).ToHashSet();
            return published.All(p => received.Contains(p.Id));
        }, Patience, "every event published before the restart to be received and processed");

        var all = await lab.Receiver.ListReceivedAsync();
        Assert.All(published, p => Assert.Single(all, r => r.WebhookId == p.Id));
    }

    private async Task<HttpResponseMessage> PostWebhookAsync(string id, DateTimeOffset timestamp, string signature, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString());
        request.Headers.Add("webhook-signature", signature);
        return await lab.Receiver.SendAsync(request);
    }
}
