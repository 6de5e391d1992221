using Microsoft.Extensions.Logging;

namespace WebhookLab.Emitter.Diagnostics;

// Source-generated logs of the delivery path. Ids only: never a secret, a signature or a body.
public static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Delivered {EventId} ({DeliveryId}) to subscription {SubscriptionId} on attempt {Attempt}: HTTP {StatusCode}")]
    public static partial void Delivered(ILogger logger, string eventId, string deliveryId, string subscriptionId, int attempt, int statusCode);

    [LoggerMessage(2, LogLevel.Information, "Attempt {Attempt} of {EventId} ({DeliveryId}) to subscription {SubscriptionId} failed ({Outcome}: {Error}); next attempt at {NextAttemptAt:O}")]
    public static partial void AttemptFailed(ILogger logger, int attempt, string eventId, string deliveryId, string subscriptionId, string outcome, string? error, DateTimeOffset nextAttemptAt);

    [LoggerMessage(3, LogLevel.Warning, "Delivery {DeliveryId} of {EventId} to subscription {SubscriptionId} is dead after {Attempt} attempts ({Outcome}: {Error})")]
    public static partial void DeliveryDead(ILogger logger, string deliveryId, string eventId, string subscriptionId, int attempt, string outcome, string? error);

    [LoggerMessage(4, LogLevel.Error, "Recording {Count} attempt results failed; their deliveries come due again when their leases expire")]
    public static partial void RecordFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(5, LogLevel.Error, "Claiming due deliveries failed; trying again")]
    public static partial void ClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(6, LogLevel.Information, "Delivery dispatcher stopped: {Released} claimed deliveries released for the next start")]
    public static partial void DispatcherStopped(ILogger logger, int released);

    [LoggerMessage(7, LogLevel.Information, "Subscription {SubscriptionId} seeded for {Url}")]
    public static partial void SubscriptionSeeded(ILogger logger, string subscriptionId, string url);

    [LoggerMessage(8, LogLevel.Warning, "Subscription {SubscriptionId} disabled: {Reason} Its deliveries are paused until it is enabled again.")]
    public static partial void SubscriptionDisabled(ILogger logger, string subscriptionId, string reason);
}
