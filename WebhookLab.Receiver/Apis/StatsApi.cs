using Microsoft.AspNetCore.Http.HttpResults;
using WebhookLab.Receiver.Data;
using WebhookLab.Receiver.Diagnostics;

namespace WebhookLab.Receiver.Apis;

public static class StatsApi
{
    public static RouteGroupBuilder MapStatsApi(this IEndpointRouteBuilder routes)
    {
        var stats = routes.MapGroup("/stats");
        stats.MapGet("", GetStats);
        return stats;
    }

    // Stored figures come from SQLite; rejections from memory, since rejectedSince (the process start).
    public static Ok<ReceiverStats> GetStats(WebhookInbox inbox, RejectionCounts rejections)
    {
        var counts = inbox.Count();
        return TypedResults.Ok(new ReceiverStats(
            counts.Accepted,
            counts.Duplicates,
            counts.Processed,
            counts.Accepted - counts.Processed,
            rejections.Read(),
            rejections.Since.UtcDateTime));
    }
}

public sealed record ReceiverStats(long Accepted, long Duplicates, long Processed, long Pending, RejectedWebhooks Rejected, DateTime RejectedSince);
