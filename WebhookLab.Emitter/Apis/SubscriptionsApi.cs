using Microsoft.AspNetCore.Http.HttpResults;
using WebhookLab.Emitter.Data;
using WebhookLab.Emitter.Model;
using WebhookLab.ServiceDefaults.Webhooks;

namespace WebhookLab.Emitter.Apis;

public static class SubscriptionsApi
{
    private const int MaxBodyBytes = 64 * 1024;

    public static RouteGroupBuilder MapSubscriptionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/subscriptions").WithTags("Subscriptions");
        group.MapPost("/", CreateAsync);
        group.MapGet("/", List);
        group.MapGet("/{id}", Get);
        group.MapDelete("/{id}", DeleteAsync);
        return group;
    }

    private static async Task<Results<Created<SubscriptionResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, SubscriptionStore subscriptions, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonRequest.ReadAsync<CreateSubscriptionRequest>(request, MaxBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new Dictionary<string, string[]>();
        if (Validation.UrlError(body!.Url) is { } urlError)
        {
            errors["url"] = [urlError];
        }

        var eventTypes = body.EventTypes ?? [];
        if (eventTypes.Count > Validation.MaxEventTypes)
        {
            errors["eventTypes"] = [$"At most {Validation.MaxEventTypes} event types."];
        }
        else if (eventTypes.Select(Validation.EventTypeError).FirstOrDefault(e => e is not null) is { } typeError)
        {
            errors["eventTypes"] = [typeError];
        }

        WebhookSecret? secret = null;
        if (body.Secret is not null && !WebhookSecret.TryParse(body.Secret, out secret))
        {
            errors["secret"] = [$"A secret is '{WebhookSecret.Prefix}' followed by the base64 of {WebhookSecret.MinKeyBytes} to {WebhookSecret.MaxKeyBytes} random bytes."];
        }

        if (body.Description is { Length: > Validation.MaxDescriptionLength })
        {
            errors["description"] = [$"A description is at most {Validation.MaxDescriptionLength} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = timeProvider.GetUtcNow();
        var subscription = new Subscription(
            WebhookIds.New(WebhookIds.SubscriptionPrefix, now),
            body.Url!,
            eventTypes.Distinct(StringComparer.Ordinal).ToList(),
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

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, SubscriptionStore subscriptions, CancellationToken cancellationToken) =>
        await subscriptions.DeleteAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("Subscription", id);
}
