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
    IOptions<DeliveryOptions> options,
    TimeProvider timeProvider,
    ILogger<DeliveryDispatcher> logger) : BackgroundService
{
    private const int MaxRecordsPerCommit = 2000;

    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly Channel<AttemptRecord> _records = Channel.CreateUnbounded<AttemptRecord>(new UnboundedChannelOptions { SingleReader = true });

    // Claimed deliveries waiting for a sender: claims come in large batches (few commits), senders take one at a time.
    private readonly Channel<ClaimedDelivery> _ready = Channel.CreateBounded<ClaimedDelivery>(
        new BoundedChannelOptions(options.Value.ReadyQueueSize) { SingleWriter = true });

    // Wakes the claim loop when the ready queue has drained to half.
    private readonly DeliverySignal _room = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var recorder = RecordAttemptsAsync();
        var senders = Enumerable.Range(0, options.Value.MaxConcurrency).Select(_ => SendLoopAsync(stoppingToken)).ToArray();
        try
        {
            await ClaimLoopAsync(stoppingToken);
        }
        finally
        {
            // Graceful stop: no new claims and no new attempts; attempts under way finish (each within its timeout)
            // and are recorded; then whatever this process still holds, sent or not, is released for the next one.
            _ready.Writer.TryComplete();
            await Task.WhenAll(senders);
            _records.Writer.TryComplete();
            await recorder;
            var released = await queue.ReleaseAsync(_owner, timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            Log.DispatcherStopped(logger, released);
        }
    }

    private async Task ClaimLoopAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var capacity = settings.ReadyQueueSize;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = settings.PollInterval;
            var room = capacity - _ready.Reader.Count;
            var wanted = Math.Min(room, settings.ClaimBatchSize);
            // Claim only when the queue has drained to half: one commit then carries a large batch.
            if (wanted > 0 && _ready.Reader.Count <= capacity / 2)
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
                    // Never blocks: the claim took no more than the room there was.
                    _ready.Writer.TryWrite(delivery);
                }

                if (claimed.Count == wanted)
                {
                    // A full batch: more may be due right now, once there is room.
                    await WaitAsync(_room, settings.PollInterval, stoppingToken);
                    continue;
                }

                if (queue.NextDueAt() is { } due)
                {
                    var untilDue = TimeSpan.FromMilliseconds(due - timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
                    wait = untilDue < wait ? untilDue : wait;
                }

                await WaitAsync(signal, wait, stoppingToken);
            }
            else
            {
                await WaitAsync(_room, wait, stoppingToken);
            }
        }
    }

    private async Task WaitAsync(DeliverySignal which, TimeSpan wait, CancellationToken stoppingToken)
    {
        try
        {
            await which.WaitAsync(wait, timeProvider, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendLoopAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var halfFull = options.Value.ReadyQueueSize / 2;
        while (!stoppingToken.IsCancellationRequested && await _ready.Reader.WaitToReadAsync(CancellationToken.None))
        {
            // Stopping: what is still queued is released, not sent.
            if (stoppingToken.IsCancellationRequested || !_ready.Reader.TryRead(out var delivery))
            {
                continue;
            }

            if (_ready.Reader.Count <= halfFull)
            {
                _room.Notify();
            }

            // Deleted while queued: its deliveries went with it.
            if (subscriptions.Find(delivery.SubscriptionId) is { } subscription)
            {
                _records.Writer.TryWrite(await SendAndJudgeAsync(delivery, subscription));
            }
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
