using System.Net;
using System.Text.Json;
using WebhookLab.ServiceDefaults.Webhooks;
using static WebhookLab.Tests.Receiver.ReceiverRequests;

namespace WebhookLab.Tests.Receiver;

// GET /api/stats: stored figures from SQLite, rejections counted in memory since the process started.
public sealed class StatsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StatsCountAKnownMixOfAcceptedDuplicateAndRejectedWebhooks()
    {
        await using var receiver = new ReceiverHost();
        using var processed = new MeasurementRecorder(receiver.Services, "webhooks.processing.duration");
        using var client = receiver.CreateClient();
        using var management = receiver.CreateManagementClient();
        var startedBy = TimeProvider.System.GetUtcNow();

        // 3 accepted, 2 of them delivered again (a retry is signed anew, with the same webhook-id).
        var first = NewWebhookId();
        var second = NewWebhookId();
        await SendAsync(client, Webhook(Envelope(), id: first), HttpStatusCode.NoContent);
        await SendAsync(client, Webhook(Envelope(), id: second), HttpStatusCode.NoContent);
        await SendAsync(client, Webhook(Envelope()), HttpStatusCode.NoContent);
        await SendAsync(client, Webhook(Envelope(), id: first), HttpStatusCode.NoContent);
        await SendAsync(client, Webhook(Envelope(), id: second), HttpStatusCode.NoContent);

        // 2 bad signatures, 1 expired, 1 malformed, 1 too large.
        await SendAsync(client, Webhook(Envelope(), secret: WebhookSecret.Generate()), HttpStatusCode.Unauthorized);
        await SendAsync(client, Webhook(Envelope()).WithSignature(signature => signature[..^5]), HttpStatusCode.Unauthorized);
        await SendAsync(client, Webhook(Envelope(), age: TimeSpan.FromMinutes(10)), HttpStatusCode.Unauthorized);
        await SendAsync(client, Webhook("[1,2,3]"), HttpStatusCode.BadRequest);
        await SendAsync(client, Webhook(new byte[1024 * 1024 + 1]), HttpStatusCode.RequestEntityTooLarge);

        // Each stored webhook is processed once; the measurement comes after its commit.
        await processed.WaitForAsync(3, Patience);
        var statsJson = await management.GetStringAsync("/api/stats");
        var stats = JsonSerializer.Deserialize<StatsView>(statsJson, JsonSerializerOptions.Web)!;

        Assert.Equal(new RejectedView(InvalidSignature: 2, Expired: 1, Malformed: 1, TooLarge: 1), stats.Rejected);
        Assert.Equal((3, 2, 3, 0), (stats.Accepted, stats.Duplicates, stats.Processed, stats.Pending));
        Assert.EndsWith("Z", JsonElement.Parse(statsJson).GetProperty("rejectedSince").GetString(), StringComparison.Ordinal);
        Assert.Equal(DateTimeKind.Utc, stats.RejectedSince.Kind);
        Assert.InRange(stats.RejectedSince, startedBy.UtcDateTime.AddMinutes(-5), startedBy.UtcDateTime);
    }

    private static async Task SendAsync(HttpClient client, HttpRequestMessage request, HttpStatusCode expected)
    {
        using (request)
        using (var response = await client.SendAsync(request))
        {
            Assert.Equal(expected, response.StatusCode);
        }
    }
}
