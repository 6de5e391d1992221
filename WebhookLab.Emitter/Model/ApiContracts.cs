using System.Text.Json;

namespace WebhookLab.Emitter.Model;

public sealed record CreateSubscriptionRequest(string? Url, List<string>? EventTypes, string? Secret, string? Description);

public sealed record SubscriptionResponse(
    string Id, string Url, IReadOnlyList<string> EventTypes, string Secret, bool Enabled, DateTime CreatedAt, string? Description,
    string? DisabledReason)
{
    // The secret is shown in full only to whoever created it; listings show a masked form.
    public static SubscriptionResponse From(Subscription subscription, bool revealSecret) => new(
        subscription.Id,
        subscription.Url,
        subscription.EventTypes,
        revealSecret ? subscription.Secret.Reveal() : subscription.Secret.Masked,
        subscription.Enabled,
        Timestamps.FromUnixMilliseconds(subscription.CreatedAt),
        subscription.Description,
        subscription.DisabledReason);
}

public sealed record UpdateSubscriptionRequest(bool? Enabled, string? Url, List<string>? EventTypes, string? Description);

public sealed record RotateSecretRequest(string? Secret);

public sealed record PublishEventRequest(string? Type, JsonElement? Data, string? IdempotencyKey);

public sealed record PublishedEvent(string Id, string Type, int Deliveries);

public sealed record EventDetails(string Id, string Type, DateTime CreatedAt, JsonElement Data, IReadOnlyList<DeliveryDetails> Deliveries);

public sealed record DeliveryDetails(string Id, string SubscriptionId, string Status, IReadOnlyList<AttemptDetails> Attempts);

public sealed record AttemptDetails(DateTime AttemptedAt, int? StatusCode, double DurationMs, string? Error, string? TraceId);

public sealed record CreateOrderRequest(string? Customer, decimal? Amount);

public sealed record CreatedOrder(string Id, string EventId);

public sealed record OrderDetails(string Id, string Customer, decimal Amount, DateTime CreatedAt, string EventId);

public sealed record DeliverySummary(
    string Id,
    string EventId,
    string EventType,
    string SubscriptionId,
    string Status,
    int Attempts,
    int? LastStatusCode,
    DateTime CreatedAt,
    DateTime? NextAttemptAt,
    bool Paused,
    DateTime? CompletedAt);

public sealed record DeliveryPage(IReadOnlyList<DeliverySummary> Items, string? NextCursor);

public sealed record RequeuedDelivery(string Id, string Status);

public sealed record RecoveredDeliveries(int Requeued);

public sealed record RotatedSecret(string Secret, DateTime PreviousSecretExpiresAt);

public sealed record PublishBatchRequest(List<PublishEventRequest> Events);

public sealed record PublishedBatch(IReadOnlyList<PublishedEvent> Events);

public sealed record LatencyPercentiles(double? P50, double? P95, double? P99);

public sealed record SubscriptionStats(
    string SubscriptionId,
    long Delivered,
    long Failed,
    long Dead,
    long Pending,
    long Attempts,
    long SuccessfulAttempts,
    double? SuccessRate,
    LatencyPercentiles LatencyMs);

public sealed record DeliveryStats(DateTime Since, IReadOnlyList<SubscriptionStats> Subscriptions);
