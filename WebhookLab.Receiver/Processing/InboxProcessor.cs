using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using WebhookLab.Receiver.Data;
using WebhookLab.Receiver.Diagnostics;

namespace WebhookLab.Receiver.Processing;

// Processes stored webhooks apart from the request path. Each webhook is marked processed in the same write
// (and so the same transaction) as its effects: a crash before the commit leaves it pending, never processed twice.
public sealed class InboxProcessor(
    WebhookInbox inbox,
    InboxSignal signal,
    ReceiverDiagnostics diagnostics,
    TimeProvider timeProvider,
    ILogger<InboxProcessor> logger) : BackgroundService
{
    public const string OrderCreatedType = "order.created";
    private const int BatchSize = 100;

    // A fallback only: a new webhook signals the processor at once.
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ProcessPendingAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.InboxReadFailed(PollInterval, exception);
            }

            await signal.WaitAsync(PollInterval, stoppingToken);
        }
    }

    // One pass over the pending webhooks, in batches, oldest first.
    private async Task ProcessPendingAsync(CancellationToken cancellationToken)
    {
        var afterId = 0L;
        while (true)
        {
            var batch = inbox.ListUnprocessed(afterId, BatchSize);
            if (batch.Count == 0)
            {
                return;
            }

            // The writes of a batch are queued together, so the writer commits them in one transaction (each in its own savepoint).
            var tasks = new Task[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                tasks[i] = ProcessAsync(batch[i], cancellationToken);
            }

            await Task.WhenAll(tasks);
            if (batch.Count < BatchSize)
            {
                return;
            }

            afterId = batch[^1].Id;
        }
    }

    private async Task ProcessAsync(PendingWebhook webhook, CancellationToken cancellationToken)
    {
        using var activity = diagnostics.StartProcessing(webhook.WebhookId, webhook.Type, webhook.Traceparent);
        var started = timeProvider.GetTimestamp();
        try
        {
            var order = webhook.Type == OrderCreatedType ? ReadOrder(webhook) : null;
            await inbox.CompleteAsync(
                webhook.Id,
                order is null ? null : (context, processedAt) => OrderProjection.Upsert(context, order, webhook.WebhookId, processedAt),
                cancellationToken);

            var elapsed = timeProvider.GetElapsedTime(started);
            diagnostics.WebhookProcessed(webhook.Type, elapsed);
            logger.WebhookProcessed(webhook.WebhookId, webhook.Type, elapsed.TotalMilliseconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the write, already queued, still commits or leaves the webhook pending.
        }
        catch (Exception exception)
        {
            activity?.AddException(exception);
            activity?.SetStatus(ActivityStatusCode.Error);
            logger.WebhookProcessingFailed(webhook.WebhookId, exception);
        }
    }

    // Unusable order data is logged and the webhook still marked processed: retrying could never make it usable.
    private OrderCreated? ReadOrder(PendingWebhook webhook)
    {
        if (TryReadOrder(webhook.Payload, out var order))
        {
            return order;
        }

        logger.OrderDataUnusable(webhook.WebhookId);
        return null;
    }

    // data: {"orderId" or "id": string or integer, "customer": string (optional), "amount": number or numeric string}.
    public static bool TryReadOrder(string? payload, out OrderCreated? order)
    {
        order = null;
        if (payload is null)
        {
            return false;
        }

        JsonElement data;
        try
        {
            data = JsonElement.Parse(payload);
        }
        catch (JsonException)
        {
            return false;
        }

        if (data.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var orderId = (data.TryGetProperty("orderId", out var idElement) || data.TryGetProperty("id", out idElement))
            ? idElement.ValueKind switch
            {
                JsonValueKind.String => idElement.GetString(),
                JsonValueKind.Number when idElement.TryGetInt64(out _) => idElement.GetRawText(),
                _ => null,
            }
            : null;

        decimal? amount = data.TryGetProperty("amount", out var amountElement)
            ? amountElement.ValueKind switch
            {
                JsonValueKind.Number when amountElement.TryGetDecimal(out var number) => number,
                JsonValueKind.String when decimal.TryParse(amountElement.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var number) => number,
                _ => null,
            }
            : null;

        var customer = data.TryGetProperty("customer", out var customerElement) && customerElement.ValueKind == JsonValueKind.String
            ? customerElement.GetString()
            : null;

        if (string.IsNullOrEmpty(orderId) || amount is null)
        {
            return false;
        }

        order = new OrderCreated(orderId, customer, amount.Value);
        return true;
    }
}
