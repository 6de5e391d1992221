using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookLab.Receiver.Data;

namespace WebhookLab.Receiver.Apis;

public static class ReceivedApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    // Mapped inside the /api group (see ManagementApis), which requires the API key.
    public static RouteGroupBuilder MapReceivedApi(this IEndpointRouteBuilder routes)
    {
        var received = routes.MapGroup("");
        received.MapGet("/received", ListReceived);
        received.MapGet("/received/{webhookId}", GetReceived);
        received.MapGet("/orders", ListOrders);
        return received;
    }

    public static Results<Ok<IReadOnlyList<ReceivedWebhook>>, ValidationProblem> ListReceived(WebhookInbox inbox, string? limit)
    {
        if (ReadLimit(limit, out var count) is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok<IReadOnlyList<ReceivedWebhook>>([.. inbox.ListRecent(count).Select(ReceivedWebhook.From)]);
    }

    public static Results<Ok<ReceivedWebhook>, ProblemHttpResult> GetReceived(WebhookInbox inbox, string webhookId) =>
        inbox.Find(webhookId) is { } entry
            ? TypedResults.Ok(ReceivedWebhook.From(entry))
            : TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Webhook not found",
                detail: "No webhook with this id has been received.");

    public static Results<Ok<IReadOnlyList<Order>>, ValidationProblem> ListOrders(OrderProjection orders, string? limit)
    {
        if (ReadLimit(limit, out var count) is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok<IReadOnlyList<Order>>([.. orders.ListRecent(count).Select(Order.From)]);
    }

    // Parsed here rather than bound as int? so a non-number gets the same problem details as an out-of-range number.
    private static ValidationProblem? ReadLimit(string? text, out int limit)
    {
        limit = DefaultLimit;
        if (text is null
            || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit))
        {
            return null;
        }

        return TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { ["limit"] = [$"limit must be a whole number from 1 to {MaxLimit}."] });
    }
}

// Times are UTC DateTime so they serialize with a trailing Z; data is the JSON the sender sent, not a string.
// TraceId is the trace the webhook arrived in: the one the emitter's traceparent header carried.
public sealed record ReceivedWebhook(string WebhookId, string Type, DateTime ReceivedAt, JsonElement? Data, long ReceiveCount, DateTime? ProcessedAt, string? TraceId)
{
    public static ReceivedWebhook From(InboxEntry entry) => new(
        entry.WebhookId,
        entry.Type,
        UnixTime.ToUtc(entry.ReceivedAt),
        entry.Payload is null ? null : JsonElement.Parse(entry.Payload),
        entry.ReceiveCount,
        entry.ProcessedAt is { } processedAt ? UnixTime.ToUtc(processedAt) : null,
        entry.Traceparent is { Length: 55 } traceparent ? traceparent[3..35] : null);
}

public sealed record Order(string OrderId, string? Customer, decimal Amount, string WebhookId, DateTime ProcessedAt)
{
    public static Order From(OrderEntry entry) =>
        new(entry.OrderId, entry.Customer, entry.Amount, entry.WebhookId, UnixTime.ToUtc(entry.CreatedAt));
}

internal static class UnixTime
{
    public static DateTime ToUtc(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).UtcDateTime;
}
