using Microsoft.Extensions.Options;
using WebhookLab.Emitter.Diagnostics;
using WebhookLab.Emitter.Model;
using WebhookLab.Emitter.Options;
using WebhookLab.ServiceDefaults.Webhooks;

namespace WebhookLab.Emitter.Data;

// Makes sure the configured subscriptions exist at start, with the configured URL and secret (the AppHost's receiver
// may have a new address on every run, so a seeded subscription is updated rather than duplicated).
public sealed class SubscriptionSeeder(
    SubscriptionStore subscriptions,
    IOptions<EmitterOptions> options,
    TimeProvider timeProvider,
    ILogger<SubscriptionSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var seed in options.Value.Seed)
        {
            var now = timeProvider.GetUtcNow();
            var existing = subscriptions.Find(seed.Id);
            var subscription = new Subscription(
                seed.Id,
                seed.Url,
                seed.EventTypes,
                WebhookSecret.Parse(seed.Secret),
                seed.Description,
                Enabled: existing?.Enabled ?? true,
                CreatedAt: existing?.CreatedAt ?? now.ToUnixTimeMilliseconds());
            await subscriptions.SaveAsync(subscription, now, cancellationToken);
            Log.SubscriptionSeeded(logger, seed.Id, new Uri(seed.Url).GetLeftPart(UriPartial.Authority));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
