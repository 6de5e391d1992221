using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using WebhookLab.Tests.Emitter;

namespace WebhookLab.Tests.EndToEnd;

// The buttons a person presses in the dashboard, pressed through the same resource command API.
[Collection(WebhookLabApp.Collection)]
public sealed class DashboardCommandTests(WebhookLabApp lab)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private async Task RunAsync(string resource, string command)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var result = await lab.App.ResourceCommands.ExecuteCommandAsync(resource, command, timeout.Token);
        Assert.True(result.Success, $"{resource} {command}: {result.Message}");
    }

    private async Task<long> AcceptedAsync() =>
        (await lab.Receiver.GetFromJsonAsync<JsonElement>("/api/stats")).GetProperty("accepted").GetInt64();

    [Fact]
    public async Task PublishTestEventDeliversOneDashboardEvent()
    {
        var before = (await lab.Receiver.ListReceivedAsync()).Count(r => r.Type == "dashboard.test");

        await RunAsync("emitter", DashboardCommands.PublishTestEvent);

        await Eventually.WaitAsync(async () => (await lab.Receiver.ListReceivedAsync()).Count(r => r.Type == "dashboard.test") == before + 1,
            Patience, "the dashboard's test event at the receiver");
    }

    [Fact]
    public async Task PublishBurstDeliversAThousandEvents()
    {
        var before = await AcceptedAsync();

        await RunAsync("emitter", DashboardCommands.PublishBurst);

        await Eventually.WaitAsync(async () => await AcceptedAsync() >= before + DashboardCommands.BurstSize, Patience, "the burst at the receiver");
        // The newest thousand webhooks are mostly the burst, each sequence number once.
        var burst = (await lab.Receiver.ListReceivedAsync(1000)).Where(r => r.Type == "dashboard.burst").Select(r => r.Data.GetProperty("sequence").GetInt32()).ToList();
        Assert.True(burst.Count > DashboardCommands.BurstSize / 2, $"{burst.Count} burst webhooks among the newest 1000");
        Assert.Equal(burst.Count, burst.Distinct().Count());
        Assert.All(burst, sequence => Assert.InRange(sequence, 1, DashboardCommands.BurstSize));
    }

    [Fact]
    public async Task ReplayDeadDeliveriesPutsADeadDeliveryBackOnTheQueue()
    {
        var gone = true;
        await using var endpoint = new TestEndpoint((_, _) => Volatile.Read(ref gone) ? 410 : 204);
        using var created = await lab.Emitter.PostAsJsonAsync("/api/subscriptions", new { url = endpoint.Url, eventTypes = new[] { "test.replay" } });
        var subscriptionId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        try
        {
            var published = await lab.Emitter.PublishAsync("test.replay", new { n = 1 });
            await Eventually.WaitAsync(async () =>
                (await lab.Emitter.GetEventAsync(published.Id)).Deliveries.Single(d => d.SubscriptionId == subscriptionId).Status == "dead",
                Patience, "the delivery to die on 410");
            Volatile.Write(ref gone, false);
            using (var enable = await lab.Emitter.PatchAsJsonAsync($"/api/subscriptions/{subscriptionId}", new { enabled = true }))
            {
                Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
            }

            await RunAsync("emitter", DashboardCommands.ReplayDeadDeliveries);

            await Eventually.WaitAsync(async () =>
                (await lab.Emitter.GetEventAsync(published.Id)).Deliveries.Single(d => d.SubscriptionId == subscriptionId).Status == "succeeded",
                Patience, "the replayed delivery to succeed");
            Assert.Equal([published.Id, published.Id], endpoint.Requests.Select(r => r.WebhookId));
        }
        finally
        {
            await lab.Emitter.DeleteAsync($"/api/subscriptions/{subscriptionId}");
        }
    }

    [Fact]
    public async Task StartAndEndOutageTurnTheReceiverOffAndOnAgain()
    {
        try
        {
            await RunAsync("receiver", DashboardCommands.StartOutage);
            Assert.True((await lab.Receiver.GetFromJsonAsync<JsonElement>("/api/chaos")).GetProperty("down").GetBoolean());
            var published = await lab.Emitter.PublishAsync("test.dashboard.outage", new { n = 1 });
            await Eventually.WaitAsync(async () =>
                (await lab.Emitter.GetEventAsync(published.Id)).Deliveries.Single(d => d.SubscriptionId == "sub_receiver").Attempts.Length >= 1,
                Patience, "an attempt during the outage");
            Assert.Null(await lab.Receiver.FindReceivedAsync(published.Id));

            await RunAsync("receiver", DashboardCommands.EndOutage);
            Assert.False((await lab.Receiver.GetFromJsonAsync<JsonElement>("/api/chaos")).GetProperty("down").GetBoolean());
            await Eventually.WaitAsync(() => lab.Receiver.FindReceivedAsync(published.Id), Patience, "the event after the outage");
        }
        finally
        {
            await lab.Receiver.PostAsJsonAsync("/api/chaos", new { });
        }
    }

    [Fact]
    public async Task TheFlakyReceiverFailsSomeAttemptsAndStillGetsEveryEvent()
    {
        var published = new List<Published>();
        for (var i = 0; i < 30; i++)
        {
            published.Add(await lab.Emitter.PublishAsync("test.flakyreceiver", new { i }));
        }

        var views = new List<EventView>();
        foreach (var p in published)
        {
            views.Add(await Eventually.WaitAsync(async () =>
            {
                var view = await lab.Emitter.GetEventAsync(p.Id);
                return view.Deliveries.Single(d => d.SubscriptionId == "sub_flakyreceiver").Status == "succeeded" ? view : null;
            }, Patience, $"{p.Id} at the flaky receiver"));
        }

        var attempts = views.SelectMany(v => v.Deliveries.Single(d => d.SubscriptionId == "sub_flakyreceiver").Attempts).ToList();
        Assert.Contains(attempts, a => a.StatusCode == 503);
    }
}
