using System.Diagnostics;
using System.Diagnostics.Metrics;
using WebhookLab.ServiceDefaults;

namespace WebhookLab.Receiver.Diagnostics;

// The receiver's telemetry in one place: its ActivitySource, Meter and instruments (names exported by ServiceDefaults).
public sealed class ReceiverDiagnostics : IDisposable
{
    public const string Name = WebhookLabTelemetry.ReceiverName;
    public const string WebhookIdTag = "webhook.id";
    public const string EventTypeTag = "webhook.event_type";
    public const string OutcomeTag = "webhook.outcome";
    public const string ChaosTag = "webhook.chaos";

    private readonly Counter<long> _received;
    private readonly Counter<long> _faultsInjected;
    private readonly Histogram<double> _processingDuration;

    public ReceiverDiagnostics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        _received = meter.CreateCounter<long>(
            "webhooks.received",
            unit: "{webhook}",
            description: "Webhook requests received, by outcome.");
        _processingDuration = meter.CreateHistogram(
            "webhooks.processing.duration",
            unit: "s",
            description: "Time to process one stored webhook, from the start of its processing to the commit of its effects.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _faultsInjected = meter.CreateCounter<long>(
            "webhooks.chaos.injected",
            unit: "{fault}",
            description: "Webhook requests failed on purpose by the chaos settings, by fault.");
    }

    public ActivitySource ActivitySource { get; } = new(Name);

    // Counts the request and tags the current request span (the ASP.NET Core server span, which continues the sender's trace).
    public void WebhookReceived(string outcome, string? webhookId = null, string? eventType = null)
    {
        _received.Add(1, new KeyValuePair<string, object?>(OutcomeTag, outcome));

        if (Activity.Current is { } activity)
        {
            activity.SetTag(OutcomeTag, outcome);
            if (webhookId is not null)
            {
                activity.SetTag(WebhookIdTag, webhookId);
            }

            if (eventType is not null)
            {
                activity.SetTag(EventTypeTag, eventType);
            }
        }
    }

    // A "webhook process" span, child of the receive span whose context was stored with the webhook.
    public Activity? StartProcessing(string webhookId, string eventType, string? traceparent)
    {
        ActivityContext.TryParse(traceparent, null, isRemote: true, out var parent);
        var activity = ActivitySource.StartActivity("webhook process", ActivityKind.Consumer, parent);
        activity?.SetTag(WebhookIdTag, webhookId);
        activity?.SetTag(EventTypeTag, eventType);
        return activity;
    }

    public void WebhookProcessed(string eventType, TimeSpan duration) =>
        _processingDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(EventTypeTag, eventType));

    public void FaultInjected(string fault)
    {
        _faultsInjected.Add(1, new KeyValuePair<string, object?>(ChaosTag, fault));
        Activity.Current?.SetTag(ChaosTag, fault);
    }

    public void Dispose() => ActivitySource.Dispose();
}

// Values of the webhook.outcome tag.
public static class WebhookOutcome
{
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
    public const string InvalidSignature = "invalid_signature";
    public const string Expired = "expired";
    public const string Malformed = "malformed";
    public const string TooLarge = "too_large";
}

// Values of the webhook.chaos tag.
public static class ChaosFault
{
    public const string Down = "down";
    public const string Failure = "failure";
}
