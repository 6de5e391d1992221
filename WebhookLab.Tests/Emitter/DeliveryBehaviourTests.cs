using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebhookLab.Emitter.Delivery;
using WebhookLab.Emitter.Options;
using WebhookLab.Tests.EndToEnd;

namespace WebhookLab.Tests.Emitter;

// How the real emitter treats what receivers answer: redirects, throttling, 410 Gone, errors; and that the durable
// queue is its only retry layer. Receivers here are local listeners, so private networks are allowed.
public sealed class DeliveryBehaviourTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static EmitterHost LocalEmitter(Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?> { ["Emitter:AllowPrivateNetworks"] = "true" };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        return new EmitterHost(all);
    }

    private static async Task<CreatedSubscription> SubscribeAsync(HttpClient client, string url, string? secret = null)
    {
        using var response = await client.PostAsJsonAsync("/api/subscriptions", new { url, secret });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CreatedSubscription>())!;
    }

    private static Task<EventView> WaitForEventAsync(HttpClient client, string id, Func<EventView, bool> condition, string what) =>
        Eventually.WaitAsync(async () =>
        {
            var view = await client.GetEventAsync(id);
            return condition(view) ? view : null;
        }, Patience, what);

    [Fact]
    public async Task ARedirectIsAFailedAttemptAndIsNotFollowed()
    {
        await using var target = new TestEndpoint();
        await using var redirecting = new TestEndpoint((_, response) =>
        {
            response.RedirectLocation = target.Url;
            return 307;
        });
        using var emitter = LocalEmitter();
        using var client = emitter.CreateApiClient();
        await SubscribeAsync(client, redirecting.Url);

        var published = await client.PublishAsync("test.redirect", new { n = 1 });
        var view = await WaitForEventAsync(client, published.Id, v => v.Deliveries[0].Attempts.Length >= 2, "two attempts");

        Assert.All(view.Deliveries[0].Attempts, a => Assert.Equal(307, a.StatusCode));
        Assert.Empty(target.Requests);
    }

    [Fact]
    public async Task EveryHttpRequestIsOneRecordedAttemptNoHiddenRetries()
    {
        await using var failing = new TestEndpoint((_, _) => 500);
        using var emitter = LocalEmitter();
        using var client = emitter.CreateApiClient();
        await SubscribeAsync(client, failing.Url);

        var published = await client.PublishAsync("test.errors", new { n = 1 });
        var view = await WaitForEventAsync(client, published.Id, v => v.Deliveries[0].Status == "dead", "the delivery to die");

        // Four attempts (schedule of three retries), four requests: the standard resilience handler does not retry deliveries.
        Assert.Equal(4, view.Deliveries[0].Attempts.Length);
        Assert.Equal(4, failing.Requests.Count);
        Assert.All(view.Deliveries[0].Attempts, a => Assert.Equal(500, a.StatusCode));
    }

    [Fact]
    public async Task RetryAfterOnA429IsWaitedOutEvenWhenTheScheduleIsShorter()
    {
        await using var throttling = new TestEndpoint((number, response) =>
        {
            if (number == 1)
            {
                response.AddHeader("Retry-After", "3");
                return 429;
            }

            return 204;
        });
        using var emitter = LocalEmitter();
        using var client = emitter.CreateApiClient();
        await SubscribeAsync(client, throttling.Url);

        var published = await client.PublishAsync("test.throttled", new { n = 1 });
        var view = await WaitForEventAsync(client, published.Id, v => v.Deliveries[0].Status == "succeeded", "delivery after throttling");

        var attempts = view.Deliveries[0].Attempts;
        Assert.Equal([429, 204], attempts.Select(a => a.StatusCode!.Value));
        // The schedule says 1 s; the receiver asked for 3 s.
        Assert.True(attempts[1].AttemptedAt - attempts[0].AttemptedAt >= TimeSpan.FromSeconds(3),
            $"second attempt {attempts[1].AttemptedAt:O} came sooner than 3 s after {attempts[0].AttemptedAt:O}");
    }

    [Fact]
    public async Task A410DisablesTheSubscriptionAndRecoveryAfterReEnablingDeliversEverything()
    {
        var gone = true;
        await using var endpoint = new TestEndpoint((_, _) => Volatile.Read(ref gone) ? 410 : 204);
        using var emitter = LocalEmitter();
        using var client = emitter.CreateApiClient();
        var subscription = await SubscribeAsync(client, endpoint.Url);
        var since = DateTime.UtcNow.AddMinutes(-1);

        var first = await client.PublishAsync("test.gone", new { n = 1 });
        await WaitForEventAsync(client, first.Id, v => v.Deliveries[0].Status == "dead", "the 410 delivery to be dead");
        var disabled = (await client.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{subscription.Id}"));
        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        Assert.Contains("410", disabled.GetProperty("disabledReason").GetString());

        // A disabled subscription gets no new deliveries.
        var meanwhile = await client.PublishAsync("test.gone", new { n = 2 });
        Assert.Equal(0, meanwhile.Deliveries);

        Volatile.Write(ref gone, false);
        using (var enable = await client.PatchAsJsonAsync($"/api/subscriptions/{subscription.Id}", new { enabled = true }))
        {
            Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        }

        using (var recover = await client.PostAsync($"/api/subscriptions/{subscription.Id}/recover?since={since:O}", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, recover.StatusCode);
            Assert.Equal(1, (await recover.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requeued").GetInt32());
        }

        var view = await WaitForEventAsync(client, first.Id, v => v.Deliveries[0].Status == "succeeded", "the recovered delivery");
        Assert.Equal([410, 204], view.Deliveries[0].Attempts.Select(a => a.StatusCode!.Value));
        Assert.All(endpoint.Requests, r => Assert.Equal(first.Id, r.WebhookId));
    }

    [Fact]
    public async Task AnOperatorRetryOfADeadDeliverySendsItAgainWithTheSameWebhookId()
    {
        var failing = true;
        await using var endpoint = new TestEndpoint((_, _) => Volatile.Read(ref failing) ? 503 : 204);
        using var emitter = LocalEmitter();
        using var client = emitter.CreateApiClient();
        await SubscribeAsync(client, endpoint.Url);

        var published = await client.PublishAsync("test.dead", new { n = 1 });
        var dead = await WaitForEventAsync(client, published.Id, v => v.Deliveries[0].Status == "dead", "the delivery to die");
        var page = await client.GetFromJsonAsync<JsonElement>("/api/deliveries?status=dead");
        Assert.Contains(page.GetProperty("items").EnumerateArray(), d => d.GetProperty("id").GetString() == dead.Deliveries[0].Id);

        Volatile.Write(ref failing, false);
        using (var retry = await client.PostAsync($"/api/deliveries/{dead.Deliveries[0].Id}/retry", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        }

        await WaitForEventAsync(client, published.Id, v => v.Deliveries[0].Status == "succeeded", "the retried delivery");
        using var again = await client.PostAsync($"/api/deliveries/{dead.Deliveries[0].Id}/retry", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.All(endpoint.Requests, r => Assert.Equal(published.Id, r.WebhookId));
    }

    [Fact]
    public async Task ASubscriptionFailingForTheWholeWindowIsDisabledAutomatically()
    {
        await using var failing = new TestEndpoint((_, _) => 500);
        using var emitter = LocalEmitter(new()
        {
            ["Emitter:Delivery:DisableAfter"] = "00:00:02",
            ["Emitter:Delivery:DisableAfterMinimumFailures"] = "3",
        });
        using var client = emitter.CreateApiClient();
        var subscription = await SubscribeAsync(client, failing.Url);

        await client.PublishAsync("test.failing", new { n = 1 });
        await Eventually.WaitAsync(async () =>
            !(await client.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{subscription.Id}")).GetProperty("enabled").GetBoolean(),
            Patience, "the subscription to be disabled");

        var disabled = await client.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{subscription.Id}");
        Assert.Contains("No successful delivery", disabled.GetProperty("disabledReason").GetString());
        Assert.Contains(emitter.LogMessages, m => m.Contains(subscription.Id) && m.Contains("disabled"));
    }

    [Fact]
    public async Task DuringASecretRotationEachDeliveryCarriesBothSignatures()
    {
        await using var endpoint = new TestEndpoint();
        using var emitter = LocalEmitter();
        using var client = emitter.CreateApiClient();
        var subscription = await SubscribeAsync(client, endpoint.Url);

        using var rotate = await client.PostAsync($"/api/subscriptions/{subscription.Id}/rotate-secret", null);
        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        var newSecret = (await rotate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        Assert.NotEqual(subscription.Secret, newSecret);

        var published = await client.PublishAsync("test.rotation", new { n = 1 });
        await WaitForEventAsync(client, published.Id, v => v.Deliveries[0].Status == "succeeded", "delivery");

        var (_, _, signature) = Assert.Single(endpoint.Requests);
        var signatures = signature.Split(' ');
        Assert.Equal(2, signatures.Length);
        Assert.All(signatures, s => Assert.StartsWith("v1,", s));
    }

    [Fact]
    public async Task NoSecretOrApiKeyEverAppearsInLogsListingsOrProblemDetails()
    {
        await using var failing = new TestEndpoint((_, _) => 500);
        using var emitter = LocalEmitter();
        using var client = emitter.CreateApiClient();
        var subscription = await SubscribeAsync(client, failing.Url);
        using var rotate = await client.PostAsync($"/api/subscriptions/{subscription.Id}/rotate-secret", null);
        var rotated = (await rotate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        using var badSecret = await client.PostAsJsonAsync("/api/subscriptions", new { url = failing.Url, secret = "whsec_" + rotated[6..^1] });

        var published = await client.PublishAsync("test.secrets", new { n = 1 });
        await WaitForEventAsync(client, published.Id, v => v.Deliveries[0].Status == "dead", "the failing delivery to die");
        var listing = await client.GetStringAsync("/api/subscriptions");
        var single = await client.GetStringAsync($"/api/subscriptions/{subscription.Id}");
        var problem = await badSecret.Content.ReadAsStringAsync();

        foreach (var secret in new[] { subscription.Secret, rotated, EmitterHost.ApiKey })
        {
            var key = secret.StartsWith("whsec_") ? secret[6..] : secret;
            Assert.DoesNotContain(key, listing);
            Assert.DoesNotContain(key, single);
            Assert.DoesNotContain(key[..20], problem);
            Assert.DoesNotContain(emitter.LogMessages, m => m.Contains(key, StringComparison.Ordinal));
        }

        Assert.Contains("whsec_****", listing);
    }

    [Fact]
    public async Task WithPrivateNetworksOffTheResolvedAddressIsCheckedAtConnectTime()
    {
        await using var local = new TestEndpoint();
        // A seeded subscription is not validated like an API call: the check when connecting still stops it.
        using var emitter = new EmitterHost(new()
        {
            ["Emitter:Seed:0:Id"] = "sub_local",
            ["Emitter:Seed:0:Url"] = local.Url.Replace("127.0.0.1", "localhost"),
            ["Emitter:Seed:0:Secret"] = "whsec_" + Convert.ToBase64String(new byte[32]),
        });
        using var client = emitter.CreateApiClient();

        var published = await client.PublishAsync("test.ssrf", new { n = 1 });
        var view = await WaitForEventAsync(client, published.Id, v => v.Deliveries[0].Attempts.Length >= 1, "an attempt");

        Assert.Null(view.Deliveries[0].Attempts[0].StatusCode);
        Assert.Contains("Blocked", view.Deliveries[0].Attempts[0].Error);
        Assert.Empty(local.Requests);
        Assert.False(emitter.Services.GetRequiredService<IOptions<EmitterOptions>>().Value.AllowPrivateNetworks);
    }
}
