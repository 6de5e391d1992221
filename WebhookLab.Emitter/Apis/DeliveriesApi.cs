using Microsoft.AspNetCore.Http.HttpResults;
using WebhookLab.Emitter.Data;
using WebhookLab.Emitter.Delivery;
using WebhookLab.Emitter.Model;

namespace WebhookLab.Emitter.Apis;

// The operator's view of the queue: find failed and dead deliveries, and send them again.
public static class DeliveriesApi
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 1000;

    public static RouteGroupBuilder MapDeliveriesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/deliveries").WithTags("Deliveries");
        group.MapGet("/", List)
            .WithSummary("A page of deliveries, newest first, by status and subscription")
            .ProducesValidationProblem();
        group.MapPost("/{id}/retry", RetryAsync)
            .WithSummary("Send a failed or dead delivery again")
            .WithDescription("Same event and webhook-id, a fresh retry schedule; earlier attempts stay in the log.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static Results<Ok<DeliveryPage>, ValidationProblem> List(
        string? status, string? subscriptionId, int? limit, string? cursor, EventQueries queries)
    {
        var errors = new Dictionary<string, string[]>();
        DeliveryStatus? filter = status switch
        {
            null or "" => null,
            "pending" => DeliveryStatus.Pending,
            "failed" => DeliveryStatus.Failed,
            "succeeded" => DeliveryStatus.Succeeded,
            "dead" => DeliveryStatus.Dead,
            _ => Invalid(errors, "status", "status is one of pending, failed, succeeded, dead."),
        };
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit is between 1 and {MaxLimit}."];
        }

        if (subscriptionId is { Length: > 100 } || cursor is { Length: > 100 })
        {
            errors["cursor"] = ["subscriptionId and cursor are at most 100 characters."];
        }

        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(queries.ListDeliveries(filter, NullIfEmpty(subscriptionId), limit ?? DefaultLimit, NullIfEmpty(cursor)));
    }

    private static async Task<Results<Accepted<RequeuedDelivery>, ProblemHttpResult>> RetryAsync(
        string id, DeliveryQueue queue, DeliverySignal signal, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        switch (await queue.RequeueAsync(id, timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken))
        {
            case RequeueResult.Requeued:
                signal.Notify();
                return TypedResults.Accepted((string?)null, new RequeuedDelivery(id, "queued"));
            case RequeueResult.NotRetryable:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Delivery not retryable",
                    detail: "Only a failed or dead delivery can be retried; this one is pending or has succeeded.");
            default:
                return Problems.NotFound("Delivery", id);
        }
    }

    private static DeliveryStatus? Invalid(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return null;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
