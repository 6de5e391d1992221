using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using WebhookLab.Emitter.Data;
using WebhookLab.Emitter.Diagnostics;
using WebhookLab.Emitter.Model;
using WebhookLab.Emitter.Options;

namespace WebhookLab.Emitter.Delivery;

// Claims due deliveries in batches (a lease each), sends them with bounded concurrency, and records every attempt.
// Results are recorded in batches too: one commit carries the outcome of many attempts.
public sealed class DeliveryDispatcher(
    DeliveryQueue queue,
    SubscriptionStore subscriptions,
    WebhookSender sender,
    RetrySchedule retrySchedule,
    DeliverySignal signal,
    EmitterDiagnostics diagnostics,
    QueueMetrics queueMetrics,
    IOptions<DeliveryOptions> options,
    TimeProvider timeProvider,
    ILogger<DeliveryDispatcher> logger) : BackgroundService
{
    private const int MaxRecordsPerCommit = 2000;

    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly ConcurrentDictionary<string, Task> _inFlight = new(StringComparer.Ordinal);
    private readonly Channel<AttemptRecord> _records = Channel.CreateUnbounded<AttemptRecord>(new UnboundedChannelOptions { SingleReader = true });

    public int InFlight => _inFlight.Count;

    // The backlog as the queue gauges see it, for the health check.
    public (long Pending, double OldestAgeSeconds) Backlog => queueMetrics.Read();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var recorder = RecordAttemptsAsync();
        try
        {
            await DispatchAsync(stoppingToken);
        }
        finally
        {
            // Graceful stop: no new claims; attempts under way finish (each within its timeout) and are recorded;
            // then whatever this process still holds is released for the next one.
            await Task.WhenAll(_inFlight.Values);
            _records.Writer.TryComplete();
            await recorder;
            var released = await queue.ReleaseAsync(_owner, timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            Log.DispatcherStopped(logger, released);
        }
    }

    private async Task DispatchAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = settings.PollInterval;
            var free = settings.MaxConcurrency - _inFlight.Count;
            var wanted = Math.Min(free, settings.ClaimBatchSize);
            if (wanted > 0)
            {
                var now = timeProvider.GetUtcNow();
                List<ClaimedDelivery> claimed;
                try
                {
                    claimed = await queue.ClaimAsync(
                        now.ToUnixTimeMilliseconds(), (now + settings.LeaseDuration).ToUnixTimeMilliseconds(), wanted, _owner, CancellationToken.None);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Log.ClaimFailed(logger, exception);
                    claimed = [];
                }

                foreach (var delivery in claimed)
                {
                    _inFlight[delivery.Id] = AttemptAsync(delivery);
                }

                if (claimed.Count == wanted)
                {
                    // A full batch: more may be due right now.
                    continue;
                }

                if (queue.NextDueAt() is { } due)
                {
                    var untilDue = TimeSpan.FromMilliseconds(due - timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
                    wait = untilDue < wait ? untilDue : wait;
                }
            }

            try
            {
                await signal.WaitAsync(wait, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task AttemptAsync(ClaimedDelivery delivery)
    {
        // Leave the claim loop at once; the attempt runs on its own.
        await Task.Yield();
        try
        {
            var subscription = subscriptions.Find(delivery.SubscriptionId);
            if (subscription is null)
            {
                // Deleted while queued: its deliveries went with it.
                return;
            }

            _records.Writer.TryWrite(await SendAndJudgeAsync(delivery, subscription));
        }
        finally
        {
            _inFlight.TryRemove(delivery.Id, out _);
            signal.Notify();
        }
    }

    private async Task<AttemptRecord> SendAndJudgeAsync(ClaimedDelivery delivery, Subscription subscription)
    {
        var attemptNumber = delivery.AttemptsMade + 1;
        using var activity = EmitterDiagnostics.StartAttempt(delivery, subscription, attemptNumber);
        var attemptedAt = timeProvider.GetUtcNow();
        var started = timeProvider.GetTimestamp();

        int? statusCode = null;
        string? excerpt = null;
        TimeSpan? retryAfter = null;
        string outcome;
        string? error = null;
        try
        {
            var result = await sender.SendAsync(subscription, delivery, CancellationToken.None);
            statusCode = result.StatusCode;
            excerpt = result.ResponseExcerpt;
            retryAfter = result.RetryAfter;
            outcome = result.IsSuccess ? AttemptOutcomes.Success : AttemptOutcomes.HttpError;
            error = result.IsSuccess ? null : $"HTTP {result.StatusCode}";
        }
        catch (TimeoutRejectedException)
        {
            outcome = AttemptOutcomes.Timeout;
            error = $"No answer within {options.Value.AttemptTimeout.TotalSeconds:0.###} s";
        }
        catch (BrokenCircuitException)
        {
            outcome = AttemptOutcomes.CircuitOpen;
            error = "Not sent: the circuit to this receiver is open after repeated failures";
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or OperationCanceledException)
        {
            outcome = AttemptOutcomes.NetworkError;
            error = exception.Message;
        }

        var duration = timeProvider.GetElapsedTime(started);
        diagnostics.AttemptCompleted(activity, outcome, statusCode, attemptNumber, duration);
        var finishedAt = timeProvider.GetUtcNow();

        var settings = options.Value;
        var gone = statusCode == (int)System.Net.HttpStatusCode.Gone;
        DeliveryStatus status;
        DateTimeOffset? nextAttemptAt = null;
        if (outcome == AttemptOutcomes.Success)
        {
            status = DeliveryStatus.Succeeded;
            diagnostics.Delivered(finishedAt - DateTimeOffset.FromUnixTimeMilliseconds(delivery.EventCreatedAt));
            Log.Delivered(logger, delivery.EventId, delivery.Id, subscription.Id, attemptNumber, statusCode!.Value);
        }
        else if (!gone && (nextAttemptAt = NextAttemptAt(delivery, attemptNumber, finishedAt, retryAfter, settings)) is { } next)
        {
            status = DeliveryStatus.Failed;
            diagnostics.RetryScheduled();
            Log.AttemptFailed(logger, attemptNumber, delivery.EventId, delivery.Id, subscription.Id, outcome, error, next);
        }
        else
        {
            status = DeliveryStatus.Dead;
            diagnostics.DeliveryDead();
            Log.DeliveryDead(logger, delivery.Id, delivery.EventId, subscription.Id, attemptNumber, outcome, error);
        }

        return new AttemptRecord(
            delivery, attemptedAt.ToUnixTimeMilliseconds(), statusCode, duration.TotalMilliseconds, outcome, error, excerpt,
            status, nextAttemptAt?.ToUnixTimeMilliseconds(), gone, activity?.TraceId.ToHexString());
    }

    // The retry schedule (counted from the last operator re-queue), but never sooner than the receiver asked.
    private DateTimeOffset? NextAttemptAt(ClaimedDelivery delivery, int attemptNumber, DateTimeOffset failedAt, TimeSpan? retryAfter, DeliveryOptions settings)
    {
        if (retrySchedule.NextAttemptAt(attemptNumber - delivery.RetryBase, failedAt) is not { } scheduled)
        {
            return null;
        }

        if (retryAfter is not { } asked)
        {
            return scheduled;
        }

        var clamped = asked < settings.MinRetryAfter ? settings.MinRetryAfter : asked > settings.MaxRetryAfter ? settings.MaxRetryAfter : asked;
        return failedAt + clamped > scheduled ? failedAt + clamped : scheduled;
    }

    private async Task RecordAttemptsAsync()
    {
        var batch = new List<AttemptRecord>(MaxRecordsPerCommit);
        while (await _records.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxRecordsPerCommit && _records.Reader.TryRead(out var record))
            {
                batch.Add(record);
            }

            try
            {
                var settings = options.Value;
                var disabled = await queue.RecordAsync(
                    batch, settings.DisableAfter, settings.DisableAfterMinimumFailures, timeProvider.GetUtcNow(), CancellationToken.None);
                foreach (var subscription in disabled)
                {
                    diagnostics.SubscriptionDisabled();
                    Log.SubscriptionDisabled(logger, subscription.SubscriptionId, subscription.Reason);
                }

                // The recorded retries may be due before anything the dispatcher is waiting for.
                signal.Notify();
            }
            catch (Exception exception)
            {
                // The attempts happened but are not recorded: their leases expire and they are sent again (at least once).
                Log.RecordFailed(logger, batch.Count, exception);
            }

            batch.Clear();
        }
    }
}
