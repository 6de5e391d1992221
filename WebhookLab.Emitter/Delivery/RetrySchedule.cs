using Microsoft.Extensions.Options;
using WebhookLab.Emitter.Options;

namespace WebhookLab.Emitter.Delivery;

// When a failed delivery is tried again: the configured delays, each spread by the jitter, and dead after the last.
public sealed class RetrySchedule(IOptions<DeliveryOptions> options, Random random)
{
    public RetrySchedule(IOptions<DeliveryOptions> options) : this(options, Random.Shared)
    {
    }

    public int MaxAttempts => options.Value.EffectiveRetrySchedule.Count + 1;

    // The time of the next attempt after `attemptsMade` failed attempts, or null when none is left.
    public DateTimeOffset? NextAttemptAt(int attemptsMade, DateTimeOffset failedAt)
    {
        var delays = options.Value.EffectiveRetrySchedule;
        if (attemptsMade < 1 || attemptsMade > delays.Count)
        {
            return null;
        }

        var jitter = options.Value.Jitter;
        var factor = 1 + ((random.NextDouble() * 2) - 1) * jitter;
        return failedAt + delays[attemptsMade - 1] * factor;
    }
}
