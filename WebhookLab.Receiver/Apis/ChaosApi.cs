using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookLab.Receiver.Chaos;
using WebhookLab.Receiver.Options;

namespace WebhookLab.Receiver.Apis;

public static class ChaosApi
{
    public static RouteGroupBuilder MapChaosApi(this IEndpointRouteBuilder routes)
    {
        var chaos = routes.MapGroup("/chaos");
        chaos.MapGet("", GetChaos);
        chaos.MapPost("", ReplaceChaosAsync);
        return chaos;
    }

    public static Ok<ChaosSettings> GetChaos(FaultInjector injector) => TypedResults.Ok(injector.Settings);

    // Replaces every setting: an absent field takes its default, so {} turns chaos off. The body is read here rather than
    // bound, so the API key filter runs before it is parsed and a wrongly typed field gets the same problem as a bad value.
    public static async Task<Results<Ok<ChaosSettings>, ValidationProblem, ProblemHttpResult>> ReplaceChaosAsync(
        HttpRequest request, FaultInjector injector, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "JSON required",
                detail: "Send the chaos settings as application/json.");
        }

        ChaosOptions? options;
        try
        {
            options = await request.ReadFromJsonAsync<ChaosOptions>(cancellationToken);
        }
        catch (JsonException exception)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [FieldOf(exception.Path)] = ["Not valid JSON, or not of the expected type."],
            });
        }

        if (options is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Must be a JSON object."] });
        }

        var errors = ChaosSettings.Validate(options);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(injector.Replace(ChaosSettings.From(options)));
    }

    // "$.failureRate" names the field; anything else (a syntax error, a body that is not an object) is about the body.
    private static string FieldOf(string? path) =>
        path is { Length: > 2 } && path.StartsWith("$.", StringComparison.Ordinal) && !path.AsSpan(2).ContainsAny(".[")
            ? path[2..]
            : "body";
}
