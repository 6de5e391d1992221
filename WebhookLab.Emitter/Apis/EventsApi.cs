using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WebhookLab.Emitter.Data;
using WebhookLab.Emitter.Model;
using WebhookLab.Emitter.Options;

namespace WebhookLab.Emitter.Apis;

public static class EventsApi
{
    public const int MaxBatchSize = 1000;
    private const string IdempotencyKeyHeader = "Idempotency-Key";

    public static RouteGroupBuilder MapEventsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/events").WithTags("Events");
        group.MapPost("/", PublishAsync)
            .WithSummary("Publish an event")
            .WithDescription("Stores the event and one delivery per matching subscription in one transaction, then answers 202; delivery follows.")
            .Accepts<PublishEventRequest>("application/json")
            .ProducesValidationProblem();
        group.MapPost("/batch", PublishBatchAsync)
            .WithSummary("Publish up to 1,000 events at once")
            .WithDescription("All events of the batch, each with its own optional idempotency key, commit together or not at all.")
            .Accepts<PublishBatchRequest>("application/json")
            .ProducesValidationProblem();
        group.MapGet("/{id}", Get)
            .WithSummary("An event with its deliveries and every attempt")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    // Accepted means stored: the event and its deliveries are committed before the answer, and delivered later.
    private static async Task<Results<Accepted<PublishedEvent>, ValidationProblem, ProblemHttpResult>> PublishAsync(
        HttpRequest request, Outbox outbox, IOptions<EmitterOptions> options, CancellationToken cancellationToken)
    {
        var (document, problem) = await JsonRequest.ReadObjectAsync(request, options.Value.MaxPayloadBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        using (document)
        {
            var errors = new Dictionary<string, string[]>();
            var headerKey = request.Headers[IdempotencyKeyHeader].ToString();
            var item = ReadEvent(document!.RootElement, headerKey.Length > 0 ? headerKey : null, "", errors);
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }

            var published = await outbox.PublishAsync(item!.Type, item.Data, item.IdempotencyKey, cancellationToken);
            return TypedResults.Accepted($"/api/events/{published.Id}", published);
        }
    }

    private static async Task<Results<Accepted<PublishedBatch>, ValidationProblem, ProblemHttpResult>> PublishBatchAsync(
        HttpRequest request, Outbox outbox, IOptions<EmitterOptions> options, CancellationToken cancellationToken)
    {
        var (document, problem) = await JsonRequest.ReadObjectAsync(request, options.Value.MaxBatchBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        using (document)
        {
            var errors = new Dictionary<string, string[]>();
            if (!document!.RootElement.TryGetProperty("events", out var eventsElement) || eventsElement.ValueKind != JsonValueKind.Array
                || eventsElement.GetArrayLength() is 0 or > MaxBatchSize)
            {
                errors["events"] = [$"'events' must be an array of 1 to {MaxBatchSize} events."];
                return TypedResults.ValidationProblem(errors);
            }

            var events = new List<NewEvent>(eventsElement.GetArrayLength());
            var index = 0;
            foreach (var element in eventsElement.EnumerateArray())
            {
                var prefix = $"events[{index++}].";
                if (element.ValueKind != JsonValueKind.Object)
                {
                    errors[prefix.TrimEnd('.')] = ["Each event is a JSON object."];
                }
                else if (ReadEvent(element, null, prefix, errors) is { } item)
                {
                    events.Add(item);
                }
            }

            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }

            var published = await outbox.PublishBatchAsync(events, cancellationToken);
            return TypedResults.Accepted((string?)null, new PublishedBatch(published));
        }
    }

    // One event's fields, or null with the reasons added to errors under the given prefix.
    private static NewEvent? ReadEvent(JsonElement root, string? headerKey, string prefix, Dictionary<string, string[]> errors)
    {
        var before = errors.Count;
        string? type = null;
        if (!root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            errors[prefix + "type"] = ["A string 'type' is required."];
        }
        else if (Validation.EventTypeError(type = typeElement.GetString()) is { } typeError)
        {
            errors[prefix + "type"] = [typeError];
        }

        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            errors[prefix + "data"] = ["'data' must be a JSON object."];
        }

        string? bodyKey = null;
        if (root.TryGetProperty("idempotencyKey", out var keyElement) && keyElement.ValueKind != JsonValueKind.Null)
        {
            if (keyElement.ValueKind != JsonValueKind.String)
            {
                errors[prefix + "idempotencyKey"] = ["'idempotencyKey' must be a string."];
            }
            else
            {
                bodyKey = keyElement.GetString();
            }
        }

        var idempotencyKey = string.IsNullOrEmpty(bodyKey) ? headerKey : bodyKey;
        if (!string.IsNullOrEmpty(bodyKey) && headerKey is not null && bodyKey != headerKey)
        {
            errors[prefix + "idempotencyKey"] = ["The Idempotency-Key header and 'idempotencyKey' differ."];
        }
        else if (idempotencyKey is { Length: > Validation.MaxIdempotencyKeyLength } || idempotencyKey?.Any(char.IsControl) == true)
        {
            errors[prefix + "idempotencyKey"] = [$"An idempotency key is at most {Validation.MaxIdempotencyKeyLength} printable characters."];
        }

        return errors.Count == before ? new NewEvent(type!, data, idempotencyKey) : null;
    }

    private static Results<Ok<EventDetails>, ProblemHttpResult> Get(string id, EventQueries queries) =>
        queries.FindEvent(id) is { } details ? TypedResults.Ok(details) : Problems.NotFound("Event", id);
}
