using WebhookLab.Emitter.Model;
using WebhookLab.ServiceDefaults.Sqlite;

namespace WebhookLab.Emitter.Data;

public sealed record ClaimedDelivery(
    string Id,
    string EventId,
    string SubscriptionId,
    int AttemptsMade,
    int RetryBase,
    string EventType,
    byte[] Body,
    long EventCreatedAt,
    string? TraceParent);

public sealed record AttemptRecord(
    ClaimedDelivery Delivery,
    long AttemptedAt,
    int? StatusCode,
    double DurationMs,
    string Outcome,
    string? Error,
    string? ResponseExcerpt,
    DeliveryStatus NewStatus,
    long? NextAttemptAt,
    bool Gone = false,
    string? TraceId = null);

public enum RequeueResult
{
    Requeued,
    NotFound,
    NotRetryable,
}

// The durable delivery queue. A claim is a lease: the claimed rows' next_attempt_at moves to the end of the lease, so
// if this process dies before recording a result, the rows simply come due again (a visibility timeout).
public sealed class DeliveryQueue(SqliteDatabase database, SubscriptionStore subscriptions)
{
    public Task<List<ClaimedDelivery>> ClaimAsync(long now, long leaseUntil, int limit, string owner, CancellationToken cancellationToken) =>
        database.Writer.WriteAsync(context =>
        {
            var claim = context.Command("""
                UPDATE deliveries SET next_attempt_at = $lease, lease_owner = $owner
                WHERE id IN (
                    SELECT id FROM deliveries
                    WHERE status IN (0, 1) AND next_attempt_at <= $now
                    ORDER BY next_attempt_at
                    LIMIT $limit)
                RETURNING id, event_id, subscription_id, attempt_count, retry_base;
                """);
            claim.Parameters.AddWithValue("$lease", leaseUntil);
            claim.Parameters.AddWithValue("$owner", owner);
            claim.Parameters.AddWithValue("$now", now);
            claim.Parameters.AddWithValue("$limit", limit);

            var rows = new List<(string Id, string EventId, string SubscriptionId, int Attempts, int RetryBase)>();
            using (var reader = claim.ExecuteReader())
            {
                while (reader.Read())
                {
                    rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4)));
                }
            }

            // A fanned-out event's deliveries share one loaded body: each event is read once per claim, not once per delivery.
            var events = new Dictionary<string, (string Type, byte[] Body, long CreatedAt, string? TraceParent)>(StringComparer.Ordinal);
            var claimed = new List<ClaimedDelivery>(rows.Count);
            foreach (var row in rows)
            {
                if (!events.TryGetValue(row.EventId, out var loaded))
                {
                    var load = context.Command("SELECT type, body, created_at, trace_parent FROM events WHERE id = $id;");
                    load.Parameters.AddWithValue("$id", row.EventId);
                    using var reader = load.ExecuteReader();
                    reader.Read();
                    loaded = (reader.GetString(0), (byte[])reader.GetValue(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3));
                    events[row.EventId] = loaded;
                }

                claimed.Add(new ClaimedDelivery(
                    row.Id, row.EventId, row.SubscriptionId, row.Attempts, row.RetryBase,
                    loaded.Type, loaded.Body, loaded.CreatedAt, loaded.TraceParent));
            }

            return claimed;
        }, cancellationToken);

    // Every attempt is logged, each delivery moves to its new state, and each subscription's failure record is updated,
    // in one commit for the whole batch. Returns the subscriptions this batch disabled.
    public Task<List<DisabledSubscription>> RecordAsync(
        IReadOnlyList<AttemptRecord> records, TimeSpan disableAfter, int disableAfterMinimumFailures, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.Writer.WriteAsync(context =>
        {
            var disabled = subscriptions.RecordOutcomes(
                context,
                records.Select(r => new SubscriptionOutcome(r.Delivery.SubscriptionId, r.NewStatus == DeliveryStatus.Succeeded, r.Gone, r.AttemptedAt)),
                disableAfter,
                disableAfterMinimumFailures,
                now);

            foreach (var record in records)
            {
                // A retry of a subscription disabled meanwhile waits, paused, until the subscription is enabled again.
                var nextAttemptAt = record.NewStatus == DeliveryStatus.Failed && subscriptions.Find(record.Delivery.SubscriptionId) is { Enabled: false }
                    ? SubscriptionStore.PausedUntil
                    : record.NextAttemptAt;

                // A delivery deleted with its subscription while in flight has nothing left to record.
                var attempt = context.Command("""
                    INSERT INTO delivery_attempts (delivery_id, attempt_number, attempted_at, status_code, duration_ms, outcome, error, response_excerpt, trace_id)
                    SELECT $delivery, $number, $at, $code, $duration, $outcome, $error, $excerpt, $trace
                    WHERE EXISTS (SELECT 1 FROM deliveries WHERE id = $delivery);
                    """);
                attempt.Parameters.AddWithValue("$delivery", record.Delivery.Id);
                attempt.Parameters.AddWithValue("$number", record.Delivery.AttemptsMade + 1);
                attempt.Parameters.AddWithValue("$at", record.AttemptedAt);
                attempt.Parameters.AddWithValue("$code", (object?)record.StatusCode ?? DBNull.Value);
                attempt.Parameters.AddWithValue("$duration", record.DurationMs);
                attempt.Parameters.AddWithValue("$outcome", record.Outcome);
                attempt.Parameters.AddWithValue("$error", (object?)record.Error ?? DBNull.Value);
                attempt.Parameters.AddWithValue("$excerpt", (object?)record.ResponseExcerpt ?? DBNull.Value);
                attempt.Parameters.AddWithValue("$trace", (object?)record.TraceId ?? DBNull.Value);
                attempt.ExecuteNonQuery();

                var update = context.Command("""
                    UPDATE deliveries
                    SET status = $status, attempt_count = attempt_count + 1, next_attempt_at = $next, lease_owner = NULL,
                        last_status_code = $code, completed_at = $completed
                    WHERE id = $id;
                    """);
                update.Parameters.AddWithValue("$id", record.Delivery.Id);
                update.Parameters.AddWithValue("$status", (int)record.NewStatus);
                update.Parameters.AddWithValue("$next", nextAttemptAt ?? record.AttemptedAt);
                update.Parameters.AddWithValue("$code", (object?)record.StatusCode ?? DBNull.Value);
                // Completed when the successful (or last) attempt finished, not when it started.
                update.Parameters.AddWithValue("$completed", nextAttemptAt is null ? record.AttemptedAt + (long)Math.Ceiling(record.DurationMs) : DBNull.Value);
                update.ExecuteNonQuery();
            }

            return disabled;
        }, cancellationToken);

    // An operator's retry: a failed or dead delivery is due again now, with the same event (and webhook-id) and a fresh
    // retry schedule. Its earlier attempts stay in the log.
    public Task<RequeueResult> RequeueAsync(string deliveryId, long now, CancellationToken cancellationToken) =>
        database.Writer.WriteAsync(context =>
        {
            var find = context.Command("SELECT subscription_id, status FROM deliveries WHERE id = $id;");
            find.Parameters.AddWithValue("$id", deliveryId);
            string subscriptionId;
            DeliveryStatus status;
            using (var reader = find.ExecuteReader())
            {
                if (!reader.Read())
                {
                    return RequeueResult.NotFound;
                }

                subscriptionId = reader.GetString(0);
                status = (DeliveryStatus)reader.GetInt32(1);
            }

            if (status is not (DeliveryStatus.Failed or DeliveryStatus.Dead))
            {
                return RequeueResult.NotRetryable;
            }

            var requeue = context.Command(RequeueSql + " WHERE id = $id;");
            AddRequeueParameters(requeue, subscriptionId, now);
            requeue.Parameters.AddWithValue("$id", deliveryId);
            requeue.ExecuteNonQuery();
            return RequeueResult.Requeued;
        }, cancellationToken);

    // Re-queues every failed or dead delivery of a subscription created since the given time.
    public Task<int> RecoverAsync(string subscriptionId, long since, long now, CancellationToken cancellationToken) =>
        database.Writer.WriteAsync(context =>
        {
            var recover = context.Command(RequeueSql + " WHERE subscription_id = $subscription AND status IN (1, 3) AND created_at >= $since;");
            AddRequeueParameters(recover, subscriptionId, now);
            recover.Parameters.AddWithValue("$subscription", subscriptionId);
            recover.Parameters.AddWithValue("$since", since);
            return recover.ExecuteNonQuery();
        }, cancellationToken);

    private const string RequeueSql = """
        UPDATE deliveries
        SET status = CASE WHEN attempt_count = 0 THEN 0 ELSE 1 END, retry_base = attempt_count,
            next_attempt_at = $due, lease_owner = NULL, completed_at = NULL
        """;

    private void AddRequeueParameters(Microsoft.Data.Sqlite.SqliteCommand command, string subscriptionId, long now) =>
        command.Parameters.AddWithValue("$due", subscriptions.Find(subscriptionId) is { Enabled: false } ? SubscriptionStore.PausedUntil : now);

    // On a graceful stop: what this process claimed and did not finish is due again at once, for the next process.
    public Task<int> ReleaseAsync(string owner, long now) =>
        database.Writer.WriteAsync(context =>
        {
            var release = context.Command("""
                UPDATE deliveries SET next_attempt_at = $now, lease_owner = NULL
                WHERE lease_owner = $owner AND status IN (0, 1);
                """);
            release.Parameters.AddWithValue("$owner", owner);
            release.Parameters.AddWithValue("$now", now);
            return release.ExecuteNonQuery();
        });

    // When the next claimable delivery comes due, or null when the queue is empty.
    public long? NextDueAt()
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MIN(next_attempt_at) FROM deliveries WHERE status IN (0, 1);";
        return command.ExecuteScalar() is long due ? due : null;
    }
}
