using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookLab.Emitter.Data;
using WebhookLab.Emitter.Model;

namespace WebhookLab.Emitter.Apis;

public static class StatsApi
{
    private static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(24);

    public static RouteGroupBuilder MapStatsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/stats").WithTags("Statistics");
        group.MapGet("/", Get)
            .WithSummary("Delivery statistics per subscription")
            .WithDescription("Delivered, failed, dead and pending deliveries, attempts, success rate and p50/p95/p99 latency (ms) of the deliveries created since ?since= (default: the last 24 hours), from the durable log.");
        return group;
    }

    private static Results<Ok<DeliveryStats>, ValidationProblem> Get(string? since, StatsQueries stats, TimeProvider timeProvider)
    {
        var from = timeProvider.GetUtcNow() - DefaultWindow;
        if (!string.IsNullOrEmpty(since) && !DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out from))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["since"] = ["'since' is an ISO 8601 time, e.g. 2026-12-01T00:00:00Z."] });
        }

        return TypedResults.Ok(stats.Compute(from));
    }
}
