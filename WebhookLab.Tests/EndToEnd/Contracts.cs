using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace WebhookLab.Tests.EndToEnd;

// The public contract as a client sees it, read from JSON rather than from the services' own types.
public sealed record Published(string Id, string Type, int Deliveries);

public sealed record CreatedSubscription(string Id, string Url, string[] EventTypes, string Secret, bool Enabled, DateTime CreatedAt);

public sealed record Attempt(DateTime AttemptedAt, int? StatusCode, double DurationMs, string? Error, string? TraceId);

public sealed record DeliveryView(string Id, string SubscriptionId, string Status, Attempt[] Attempts);

public sealed record EventView(string Id, string Type, DateTime CreatedAt, JsonElement Data, DeliveryView[] Deliveries);

public sealed record ReceivedWebhook(string WebhookId, string Type, DateTime ReceivedAt, JsonElement Data, int ReceiveCount, DateTime? ProcessedAt, string? TraceId);

public sealed record ReceivedOrder(string OrderId, string Customer, decimal Amount, string WebhookId);

public static class Api
{
    public static async Task<Published> PublishAsync(this HttpClient emitter, string type, object data, string? idempotencyKey = null)
    {
        using var response = await emitter.PostAsJsonAsync("/api/events", new { type, data, idempotencyKey });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Published>())!;
    }

    public static async Task<ReceivedWebhook?> FindReceivedAsync(this HttpClient receiver, string webhookId)
    {
        using var response = await receiver.GetAsync($"/api/received/{webhookId}");
        return response.StatusCode == HttpStatusCode.NotFound ? null : (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<ReceivedWebhook>());
    }

    public static async Task<ReceivedWebhook[]> ListReceivedAsync(this HttpClient receiver, int limit = 1000) =>
        (await receiver.GetFromJsonAsync<ReceivedWebhook[]>($"/api/received?limit={limit}"))!;

    public static async Task<EventView> GetEventAsync(this HttpClient emitter, string id) =>
        (await emitter.GetFromJsonAsync<EventView>($"/api/events/{id}"))!;
}
