using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WebhookLab.Emitter.Data;
using WebhookLab.Emitter.Model;
using WebhookLab.Emitter.Options;

namespace WebhookLab.Emitter.Apis;

public static class EventsApi
{
    private const string IdempotencyKeyHeader = "Idempotency-Key";

    public static RouteGroupBuilder MapEventsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/events").WithTags("Events");
        group.MapPost("/", PublishAsync);
        group.MapGet("/{id}", Get);
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
            var root = document!.RootElement;
            var errors = new Dictionary<string, string[]>();

            string? type = null;
            if (!root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                errors["type"] = ["A string 'type' is required."];
            }
            else if (Validation.EventTypeError(type = typeElement.GetString()) is { } typeError)
            {
                errors["type"] = [typeError];
            }

            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                errors["data"] = ["'data' must be a JSON object."];
            }

            var headerKey = request.Headers[IdempotencyKeyHeader].ToString();
            string? bodyKey = null;
            if (root.TryGetProperty("idempotencyKey", out var keyElement) && keyElement.ValueKind != JsonValueKind.Null)
            {
                if (keyElement.ValueKind != JsonValueKind.String)
                {
                    errors["idempotencyKey"] = ["'idempotencyKey' must be a string."];
                }
                else
                {
                    bodyKey = keyElement.GetString();
                }
            }

            var idempotencyKey = string.IsNullOrEmpty(bodyKey) ? (headerKey.Length > 0 ? headerKey : null) : bodyKey;
            if (!string.IsNullOrEmpty(bodyKey) && headerKey.Length > 0 && bodyKey != headerKey)
            {
                errors["idempotencyKey"] = ["The Idempotency-Key header and 'idempotencyKey' differ."];
            }
            else if (idempotencyKey is { Length: > Validation.MaxIdempotencyKeyLength } || idempotencyKey?.Any(char.IsControl) == true)
            {
                errors["idempotencyKey"] = [$"An idempotency key is at most {Validation.MaxIdempotencyKeyLength} printable characters."];
            }

            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }

            var published = await outbox.PublishAsync(type!, data, idempotencyKey, cancellationToken);
            return TypedResults.Accepted($"/api/events/{published.Id}", published);
        }
    }

    private static Results<Ok<EventDetails>, ProblemHttpResult> Get(string id, EventQueries queries) =>
        queries.FindEvent(id) is { } details ? TypedResults.Ok(details) : Problems.NotFound("Event", id);
}
