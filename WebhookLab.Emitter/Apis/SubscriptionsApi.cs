using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WebhookLab.Emitter.Data;
using WebhookLab.Emitter.Delivery;
using WebhookLab.Emitter.Model;
using WebhookLab.Emitter.Options;
using WebhookLab.ServiceDefaults.Webhooks;

namespace WebhookLab.Emitter.Apis;

public static class SubscriptionsApi
{
    private const int MaxBodyBytes = 64 * 1024;
    private static readonly string[] PatchFields = ["enabled", "url", "eventTypes", "description"];

    public static RouteGroupBuilder MapSubscriptionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/subscriptions").WithTags("Subscriptions");
        group.MapPost("/", CreateAsync)
            .WithSummary("Create a subscription")
            .WithDescription("The answer is the only one that shows the secret in full. URLs must be absolute http(s) and, unless Emitter:AllowPrivateNetworks is on, reach public addresses only.")
            .Accepts<CreateSubscriptionRequest>("application/json")
            .ProducesValidationProblem();
        group.MapGet("/", List).WithSummary("List subscriptions (secrets masked)");
        group.MapGet("/{id}", Get).WithSummary("One subscription (secret masked)").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPatch("/{id}", UpdateAsync)
            .WithSummary("Change enabled, url, eventTypes or description")
            .WithDescription("Only the fields present change. Disabling pauses the subscription's queued deliveries; enabling resumes them at once.")
            .Accepts<UpdateSubscriptionRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id}", DeleteAsync).WithSummary("Delete a subscription and its deliveries").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/rotate-secret", RotateSecretAsync)
            .WithSummary("Rotate the signing secret")
            .WithDescription("The new secret (given, or generated) signs from now on; the previous one keeps signing beside it for Emitter:Delivery:SecretRotationGrace.")
            .Accepts<RotateSecretRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/recover", RecoverAsync)
            .WithSummary("Re-queue every failed or dead delivery since a time")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Created<SubscriptionResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, SubscriptionStore subscriptions, DestinationGuard guard, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonRequest.ReadAsync<CreateSubscriptionRequest>(request, MaxBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new Dictionary<string, string[]>();
        await CheckUrlAsync(body!.Url, guard, errors, cancellationToken);
        var eventTypes = CheckEventTypes(body.EventTypes, errors);

        WebhookSecret? secret = null;
        if (body.Secret is not null && !WebhookSecret.TryParse(body.Secret, out secret))
        {
            errors["secret"] = [SecretFormat];
        }

        CheckDescription(body.Description, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = timeProvider.GetUtcNow();
        var subscription = new Subscription(
            WebhookIds.New(WebhookIds.SubscriptionPrefix, now),
            body.Url!,
            eventTypes,
            secret ?? WebhookSecret.Generate(),
            body.Description,
            Enabled: true,
            now.ToUnixTimeMilliseconds());
        await subscriptions.SaveAsync(subscription, now, cancellationToken);
        return TypedResults.Created($"/api/subscriptions/{subscription.Id}", SubscriptionResponse.From(subscription, revealSecret: true));
    }

    private static Ok<SubscriptionResponse[]> List(SubscriptionStore subscriptions) =>
        TypedResults.Ok(subscriptions.All.Select(s => SubscriptionResponse.From(s, revealSecret: false)).ToArray());

    private static Results<Ok<SubscriptionResponse>, ProblemHttpResult> Get(string id, SubscriptionStore subscriptions) =>
        subscriptions.Find(id) is { } subscription
            ? TypedResults.Ok(SubscriptionResponse.From(subscription, revealSecret: false))
            : Problems.NotFound("Subscription", id);

    // Changes only the fields present. Disabling pauses the subscription's queued deliveries; enabling resumes them.
    private static async Task<Results<Ok<SubscriptionResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, HttpRequest request, SubscriptionStore subscriptions, DestinationGuard guard, DeliverySignal signal,
        TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (subscriptions.Find(id) is null)
        {
            return Problems.NotFound("Subscription", id);
        }

        var (document, problem) = await JsonRequest.ReadObjectAsync(request, MaxBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        using (document)
        {
            var root = document!.RootElement;
            var errors = new Dictionary<string, string[]>();
            foreach (var property in root.EnumerateObject().Where(p => !PatchFields.Contains(p.Name, StringComparer.Ordinal)))
            {
                errors[property.Name.Length > 50 ? property.Name[..50] : property.Name] = [$"Unknown field; a subscription's changeable fields are {string.Join(", ", PatchFields)}."];
            }

            bool? enabled = null;
            if (root.TryGetProperty("enabled", out var enabledElement))
            {
                enabled = enabledElement.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => null,
                };
                if (enabled is null)
                {
                    errors["enabled"] = ["'enabled' must be true or false."];
                }
            }

            string? url = null;
            if (root.TryGetProperty("url", out var urlElement))
            {
                url = urlElement.ValueKind == JsonValueKind.String ? urlElement.GetString() : null;
                await CheckUrlAsync(url, guard, errors, cancellationToken);
            }

            List<string>? eventTypes = null;
            if (root.TryGetProperty("eventTypes", out var typesElement))
            {
                if (typesElement.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null)
                    || (typesElement.ValueKind == JsonValueKind.Array && typesElement.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String)))
                {
                    errors["eventTypes"] = ["'eventTypes' must be an array of strings."];
                }
                else
                {
                    eventTypes = CheckEventTypes(
                        typesElement.ValueKind == JsonValueKind.Null ? [] : typesElement.EnumerateArray().Select(t => t.GetString()!).ToList(), errors);
                }
            }

            var hasDescription = root.TryGetProperty("description", out var descriptionElement);
            if (hasDescription && descriptionElement.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                errors["description"] = ["'description' must be a string or null."];
            }

            var description = hasDescription && descriptionElement.ValueKind == JsonValueKind.String ? descriptionElement.GetString() : null;
            CheckDescription(description, errors);
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }

            var updated = await subscriptions.UpdateAsync(id, current => current with
            {
                Enabled = enabled ?? current.Enabled,
                DisabledReason = enabled == false ? "Disabled through the API." : current.DisabledReason,
                Url = url ?? current.Url,
                EventTypes = eventTypes ?? current.EventTypes,
                Description = hasDescription ? description : current.Description,
            }, timeProvider.GetUtcNow(), cancellationToken);
            if (updated is null)
            {
                return Problems.NotFound("Subscription", id);
            }

            if (enabled == true)
            {
                signal.Notify();
            }

            return TypedResults.Ok(SubscriptionResponse.From(updated, revealSecret: false));
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, SubscriptionStore subscriptions, CancellationToken cancellationToken) =>
        await subscriptions.DeleteAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("Subscription", id);

    // A new secret signs from now on; the old one keeps signing beside it for the grace period, so a receiver can
    // switch at any time within it without rejecting a single delivery.
    private static async Task<Results<Ok<RotatedSecret>, ValidationProblem, ProblemHttpResult>> RotateSecretAsync(
        string id, HttpRequest request, SubscriptionStore subscriptions, IOptions<DeliveryOptions> options,
        TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        WebhookSecret? chosen = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var (document, problem) = await JsonRequest.ReadObjectAsync(request, MaxBodyBytes, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }

            using (document)
            {
                if (document!.RootElement.TryGetProperty("secret", out var secretElement) && secretElement.ValueKind != JsonValueKind.Null
                    && (secretElement.ValueKind != JsonValueKind.String || !WebhookSecret.TryParse(secretElement.GetString(), out chosen)))
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["secret"] = [SecretFormat] });
                }
            }
        }

        var now = timeProvider.GetUtcNow();
        var newSecret = chosen ?? WebhookSecret.Generate();
        var expiresAt = now + options.Value.SecretRotationGrace;
        var updated = await subscriptions.UpdateAsync(id, current => current with
        {
            Secret = newSecret,
            PreviousSecret = current.Secret,
            PreviousSecretExpiresAt = expiresAt.ToUnixTimeMilliseconds(),
        }, now, cancellationToken);
        return updated is null
            ? Problems.NotFound("Subscription", id)
            : TypedResults.Ok(new RotatedSecret(newSecret.Reveal(), expiresAt.UtcDateTime));
    }

    // Every failed or dead delivery of the subscription since the given time goes back on the queue.
    private static async Task<Results<Accepted<RecoveredDeliveries>, ValidationProblem, ProblemHttpResult>> RecoverAsync(
        string id, string? since, SubscriptionStore subscriptions, DeliveryQueue queue, DeliverySignal signal,
        TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (subscriptions.Find(id) is null)
        {
            return Problems.NotFound("Subscription", id);
        }

        if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var from))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["since"] = ["'since' is required: an ISO 8601 time, e.g. 2026-12-01T00:00:00Z."] });
        }

        var requeued = await queue.RecoverAsync(id, from.ToUnixTimeMilliseconds(), timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        signal.Notify();
        return TypedResults.Accepted((string?)null, new RecoveredDeliveries(requeued));
    }

    private const string SecretFormat = "A secret is 'whsec_' followed by the base64 of 24 to 64 random bytes.";

    private static async Task CheckUrlAsync(string? url, DestinationGuard guard, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        if (Validation.UrlError(url) is { } urlError)
        {
            errors["url"] = [urlError];
        }
        else if (await guard.CheckUrlAsync(new Uri(url!), cancellationToken) is { } blocked)
        {
            errors["url"] = [blocked];
        }
    }

    private static List<string> CheckEventTypes(List<string>? eventTypes, Dictionary<string, string[]> errors)
    {
        eventTypes ??= [];
        if (eventTypes.Count > Validation.MaxEventTypes)
        {
            errors["eventTypes"] = [$"At most {Validation.MaxEventTypes} event types."];
        }
        else if (eventTypes.Select(Validation.EventTypeError).FirstOrDefault(e => e is not null) is { } typeError)
        {
            errors["eventTypes"] = [typeError];
        }

        return eventTypes.Distinct(StringComparer.Ordinal).ToList();
    }

    private static void CheckDescription(string? description, Dictionary<string, string[]> errors)
    {
        if (description is { Length: > Validation.MaxDescriptionLength })
        {
            errors["description"] = [$"A description is at most {Validation.MaxDescriptionLength} characters."];
        }
    }
}
