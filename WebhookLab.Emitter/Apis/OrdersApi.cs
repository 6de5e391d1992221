using Microsoft.AspNetCore.Http.HttpResults;
using WebhookLab.Emitter.Data;
using WebhookLab.Emitter.Model;

namespace WebhookLab.Emitter.Apis;

// The domain action: creating an order emits "order.created" through the transactional outbox.
public static class OrdersApi
{
    private const int MaxBodyBytes = 16 * 1024;
    private const int MaxCustomerLength = 200;
    private const decimal MaxAmount = 1_000_000_000m;

    public static RouteGroupBuilder MapOrdersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/orders").WithTags("Orders");
        group.MapPost("/", CreateAsync)
            .WithSummary("Create an order")
            .WithDescription("The order and its order.created event (with one delivery per matching subscription) commit in one transaction.")
            .Accepts<CreateOrderRequest>("application/json")
            .ProducesValidationProblem();
        group.MapGet("/{id}", Get).WithSummary("One order").ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Created<CreatedOrder>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, Outbox outbox, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonRequest.ReadAsync<CreateOrderRequest>(request, MaxBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body!.Customer) || body.Customer.Length > MaxCustomerLength || body.Customer.Any(char.IsControl))
        {
            errors["customer"] = [$"A customer name of 1 to {MaxCustomerLength} printable characters is required."];
        }

        if (body.Amount is not { } amount || amount <= 0 || amount > MaxAmount)
        {
            errors["amount"] = [$"An amount greater than 0 and at most {MaxAmount} is required."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var order = await outbox.CreateOrderAsync(body.Customer!, body.Amount!.Value, cancellationToken);
        return TypedResults.Created($"/api/orders/{order.Id}", order);
    }

    private static Results<Ok<OrderDetails>, ProblemHttpResult> Get(string id, EventQueries queries) =>
        queries.FindOrder(id) is { } order ? TypedResults.Ok(order) : Problems.NotFound("Order", id);
}
