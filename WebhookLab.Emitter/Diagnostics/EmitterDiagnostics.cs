using System.Diagnostics;
using System.Diagnostics.Metrics;
using WebhookLab.Emitter.Data;
using WebhookLab.Emitter.Model;
using WebhookLab.ServiceDefaults;

namespace WebhookLab.Emitter.Diagnostics;

// The emitter's traces and metrics, declared in one place. ServiceDefaults exports the source and meter by name.
public sealed class EmitterDiagnostics
{
    public static readonly ActivitySource ActivitySource = new(WebhookLabTelemetry.EmitterName);

    private readonly Counter<long> _eventsPublished;
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _attemptDuration;
    private readonly Histogram<double> _deliveryLatency;
    private readonly Counter<long> _retriesScheduled;
    private readonly Counter<long> _deadDeliveries;
    private readonly Counter<long> _subscriptionsDisabled;

    public EmitterDiagnostics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(WebhookLabTelemetry.EmitterName);
        _eventsPublished = meter.CreateCounter<long>("webhooks.events.published", "{event}", "Events accepted for delivery.");
        _attempts = meter.CreateCounter<long>("webhooks.delivery.attempts", "{attempt}", "HTTP delivery attempts, by outcome.");
        _attemptDuration = meter.CreateHistogram<double>("webhooks.delivery.attempt.duration", "s", "Duration of one HTTP delivery attempt.");
        _deliveryLatency = meter.CreateHistogram<double>("webhooks.delivery.latency", "s", "From the event's creation to its successful delivery, across retries.");
        _retriesScheduled = meter.CreateCounter<long>("webhooks.delivery.retries_scheduled", "{delivery}", "Failed attempts that scheduled another one.");
        _deadDeliveries = meter.CreateCounter<long>("webhooks.deliveries.dead", "{delivery}", "Deliveries whose every attempt failed.");
        _subscriptionsDisabled = meter.CreateCounter<long>("webhooks.subscriptions.disabled", "{subscription}", "Subscriptions disabled automatically (410 Gone, or failing for too long).");
    }

    public void EventPublished(string eventType) =>
        _eventsPublished.Add(1, new KeyValuePair<string, object?>("webhook.event_type", eventType));

    // A span per attempt, inside the trace of the request that created the event, however much later the attempt runs.
    public static Activity? StartAttempt(ClaimedDelivery delivery, Subscription subscription, int attemptNumber)
    {
        ActivityContext.TryParse(delivery.TraceParent, null, out var parent);
        var activity = ActivitySource.StartActivity("webhook deliver", ActivityKind.Internal, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("webhook.id", delivery.EventId);
            activity.SetTag("webhook.event_type", delivery.EventType);
            activity.SetTag("webhook.delivery_id", delivery.Id);
            activity.SetTag("webhook.subscription_id", subscription.Id);
            activity.SetTag("webhook.attempt", attemptNumber);
        }

        return activity;
    }

    public void AttemptCompleted(Activity? activity, string outcome, int? statusCode, int attemptNumber, TimeSpan duration)
    {
        var tags = new TagList
        {
            { "webhook.outcome", outcome },
            { "webhook.attempt", AttemptBucket(attemptNumber) },
        };
        if (statusCode is { } code)
        {
            tags.Add("http.response.status_code", code);
        }

        _attempts.Add(1, tags);
        _attemptDuration.Record(duration.TotalSeconds, tags);

        if (activity is not null)
        {
            activity.SetTag("webhook.outcome", outcome);
            if (statusCode is { } status)
            {
                activity.SetTag("http.response.status_code", status);
            }

            if (outcome != AttemptOutcomes.Success)
            {
                activity.SetStatus(ActivityStatusCode.Error, outcome);
            }
        }
    }

    public void Delivered(TimeSpan latency) => _deliveryLatency.Record(latency.TotalSeconds);

    public void RetryScheduled() => _retriesScheduled.Add(1);

    public void DeliveryDead() => _deadDeliveries.Add(1);

    public void SubscriptionDisabled() => _subscriptionsDisabled.Add(1);

    // A bounded set of values keeps the metric's cardinality low.
    private static string AttemptBucket(int attemptNumber) => attemptNumber switch
    {
        1 => "1",
        2 => "2",
        3 => "3",
        <= 5 => "4-5",
        _ => "6+",
    };
}

public static class AttemptOutcomes
{
    public const string Success = "success";
    public const string HttpError = "http_error";
    public const string Timeout = "timeout";
    public const string NetworkError = "network_error";
    public const string CircuitOpen = "circuit_open";
}
