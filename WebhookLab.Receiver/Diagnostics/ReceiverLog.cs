using WebhookLab.ServiceDefaults.Webhooks;

namespace WebhookLab.Receiver.Diagnostics;

// Source-generated log messages. None carries a secret, a signature or a body.
internal static partial class ReceiverLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Webhook {WebhookId} of type {EventType} stored")]
    public static partial void WebhookStored(this ILogger logger, string webhookId, string eventType);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Webhook {WebhookId} received again ({ReceiveCount} times in all); not stored again")]
    public static partial void WebhookDuplicate(this ILogger logger, string webhookId, long receiveCount);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Webhook {WebhookId} rejected: {SignatureCheck}")]
    public static partial void WebhookUnauthenticated(this ILogger logger, string? webhookId, SignatureCheck signatureCheck);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Webhook {WebhookId} rejected: the body is not a JSON object with a string 'type'")]
    public static partial void WebhookMalformed(this ILogger logger, string webhookId);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Webhook {WebhookId} rejected: the body exceeds {MaxBodyBytes} bytes")]
    public static partial void WebhookTooLarge(this ILogger logger, string? webhookId, int maxBodyBytes);

    // The id itself is left out: it broke the limits that make it safe to write into a log line.
    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Webhook rejected: its webhook-id ({Length} characters) is not 1 to 255 printable ASCII characters")]
    public static partial void WebhookIdMalformed(this ILogger logger, int length);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "Webhook {WebhookId} of type {EventType} processed in {ElapsedMilliseconds} ms")]
    public static partial void WebhookProcessed(this ILogger logger, string webhookId, string eventType, double elapsedMilliseconds);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Webhook {WebhookId}: order.created data has no usable order id and amount; marked processed without an order")]
    public static partial void OrderDataUnusable(this ILogger logger, string webhookId);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "Processing webhook {WebhookId} failed; it stays in the inbox and is retried")]
    public static partial void WebhookProcessingFailed(this ILogger logger, string webhookId, Exception exception);

    [LoggerMessage(EventId = 13, Level = LogLevel.Error, Message = "Reading the inbox failed; retrying in {RetryDelay}")]
    public static partial void InboxReadFailed(this ILogger logger, TimeSpan retryDelay, Exception exception);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Chaos is on from configuration: failure rate {FailureRate}, latency {LatencyMs} ms, status {StatusCode}, down {Down}, Retry-After {RetryAfterSeconds}")]
    public static partial void ChaosConfigured(this ILogger logger, double failureRate, int latencyMs, int statusCode, bool down, string retryAfterSeconds);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Chaos settings changed: failure rate {FailureRate}, latency {LatencyMs} ms, status {StatusCode}, down {Down}, Retry-After {RetryAfterSeconds}")]
    public static partial void ChaosChanged(this ILogger logger, double failureRate, int latencyMs, int statusCode, bool down, string retryAfterSeconds);

    [LoggerMessage(EventId = 22, Level = LogLevel.Debug, Message = "Chaos: webhook request failed on purpose ({Fault})")]
    public static partial void FaultInjected(this ILogger logger, string fault);

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Receiver:ApiKey is not set: the /api endpoints answer anyone who can reach the receiver")]
    public static partial void ManagementApiOpen(this ILogger logger);
}
