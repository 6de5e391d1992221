using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

// Buttons in the dashboard that break and heal the system: publish traffic, replay dead deliveries, start and end an
// outage. Each calls the service's own management API with its API key.
public static class DashboardCommands
{
    public const string PublishTestEvent = "publish-test-event";
    public const string PublishBurst = "publish-burst";
    public const string ReplayDeadDeliveries = "replay-dead-deliveries";
    public const string StartOutage = "start-outage";
    public const string EndOutage = "end-outage";
    public const int BurstSize = 1000;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public static IResourceBuilder<ProjectResource> WithEmitterCommands(this IResourceBuilder<ProjectResource> emitter, IResourceBuilder<ParameterResource> apiKey)
    {
        emitter.WithCommand(PublishTestEvent, "Publish test event", async context =>
        {
            using var response = await SendAsync(emitter, apiKey, HttpMethod.Post, "/api/events",
                new { type = "dashboard.test", data = new { source = "dashboard", sentAt = DateTime.UtcNow } }, context.CancellationToken);
            var published = await response.Content.ReadFromJsonAsync<JsonElement>(context.CancellationToken);
            return CommandResults.Success($"Published {published.GetProperty("id").GetString()} to {published.GetProperty("deliveries").GetInt32()} subscriptions.");
        }, Options("Publishes one 'dashboard.test' event.", "Send"));

        emitter.WithCommand(PublishBurst, $"Publish burst ({BurstSize:N0})", async context =>
        {
            var events = Enumerable.Range(1, BurstSize).Select(i => new { type = "dashboard.burst", data = new { sequence = i, source = "dashboard" } });
            using var response = await SendAsync(emitter, apiKey, HttpMethod.Post, "/api/events/batch", new { events }, context.CancellationToken);
            return CommandResults.Success($"Published {BurstSize:N0} 'dashboard.burst' events in one commit.");
        }, Options($"Publishes {BurstSize:N0} events at once: watch the queue drain in the metrics.", "Flash"));

        emitter.WithCommand(ReplayDeadDeliveries, "Replay dead deliveries", async context =>
        {
            using var list = await SendAsync(emitter, apiKey, HttpMethod.Get, "/api/subscriptions", null, context.CancellationToken);
            var requeued = 0;
            foreach (var subscription in (await list.Content.ReadFromJsonAsync<JsonElement>(context.CancellationToken)).EnumerateArray())
            {
                using var recover = await SendAsync(emitter, apiKey, HttpMethod.Post,
                    $"/api/subscriptions/{subscription.GetProperty("id").GetString()}/recover?since=1970-01-01T00:00:00Z", null, context.CancellationToken);
                requeued += (await recover.Content.ReadFromJsonAsync<JsonElement>(context.CancellationToken)).GetProperty("requeued").GetInt32();
            }

            return CommandResults.Success($"{requeued} failed or dead deliveries are back on the queue.");
        }, Options("Puts every failed or dead delivery of every subscription back on the queue.", "ArrowRepeatAll"));

        return emitter;
    }

    // "Start outage" makes the receiver drop every webhook connection without an answer; "End outage" restores the
    // chaos settings it normally runs with.
    public static IResourceBuilder<ProjectResource> WithOutageCommands(this IResourceBuilder<ProjectResource> receiver, IResourceBuilder<ParameterResource> apiKey, object normalChaos)
    {
        receiver.WithCommand(StartOutage, "Start outage", async context =>
        {
            using var response = await SendAsync(receiver, apiKey, HttpMethod.Post, "/api/chaos", new { down = true }, context.CancellationToken);
            return CommandResults.Success("Outage started: webhook connections are closed without an answer.");
        }, Options("Closes every webhook connection without an answer, as a crashed or unreachable receiver would.", "PlugDisconnected"));

        receiver.WithCommand(EndOutage, "End outage", async context =>
        {
            using var response = await SendAsync(receiver, apiKey, HttpMethod.Post, "/api/chaos", normalChaos, context.CancellationToken);
            return CommandResults.Success("Outage ended: the backlog drains on the emitter's next attempts.");
        }, Options("Answers webhooks again.", "PlugConnected"));

        return receiver;
    }

    private static CommandOptions Options(string description, string icon) => new()
    {
        Description = description,
        IconName = icon,
        UpdateState = context => context.ResourceSnapshot.HealthStatus == HealthStatus.Healthy
            ? ResourceCommandState.Enabled
            : ResourceCommandState.Disabled,
    };

    private static async Task<HttpResponseMessage> SendAsync(
        IResourceBuilder<ProjectResource> resource, IResourceBuilder<ParameterResource> apiKey, HttpMethod method, string path, object? body,
        CancellationToken cancellationToken)
    {
        var endpoint = resource.GetEndpoint("http");
        using var request = new HttpRequestMessage(method, new Uri(new Uri(endpoint.Url), path));
        request.Headers.Add("X-Api-Key", await apiKey.Resource.GetValueAsync(cancellationToken));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        var response = await Http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {problem}");
        }

        return response;
    }
}
