using WebhookLab.Emitter.Model;
using WebhookLab.ServiceDefaults.Sqlite;

namespace WebhookLab.Emitter.Data;

public sealed record ClaimedDelivery(
    string Id,
    string EventId,
    string SubscriptionId,
    int AttemptsMade,
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
    long? NextAttemptAt);

// The durable delivery queue. A claim is a lease: the claimed rows' next_attempt_at moves to the end of the lease, so
// if this process dies before recording a result, the rows simply come due again (a visibility timeout).
public sealed class DeliveryQueue(SqliteDatabase database)
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
                RETURNING id, event_id, subscription_id, attempt_count;
                """);
            claim.Parameters.AddWithValue("$lease", leaseUntil);
            claim.Parameters.AddWithValue("$owner", owner);
            claim.Parameters.AddWithValue("$now", now);
            claim.Parameters.AddWithValue("$limit", limit);

            var rows = new List<(string Id, string EventId, string SubscriptionId, int Attempts)>();
            using (var reader = claim.ExecuteReader())
            {
                while (reader.Read())
                {
                    rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3)));
                }
            }

            var claimed = new List<ClaimedDelivery>(rows.Count);
            foreach (var row in rows)
            {
                var load = context.Command("SELECT type, body, created_at, trace_parent FROM events WHERE id = $id;");
                load.Parameters.AddWithValue("$id", row.EventId);
                using var reader = load.ExecuteReader();
                reader.Read();
                claimed.Add(new ClaimedDelivery(
                    row.Id, row.EventId, row.SubscriptionId, row.Attempts,
                    reader.GetString(0), (byte[])reader.GetValue(1), reader.GetInt64(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3)));
            }

            return claimed;
        }, cancellationToken);

    // Every attempt is logged, and each delivery moves to its new state, in one commit for the whole batch.
    public Task RecordAsync(IReadOnlyList<AttemptRecord> records, CancellationToken cancellationToken) =>
        database.Writer.WriteAsync(context =>
        {
            foreach (var record in records)
            {
                // A delivery deleted with its subscription while in flight has nothing left to record.
                var attempt = context.Command("""
                    INSERT INTO delivery_attempts (delivery_id, attempt_number, attempted_at, status_code, duration_ms, outcome, error, response_excerpt)
                    SELECT $delivery, $number, $at, $code, $duration, $outcome, $error, $excerpt
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
                attempt.ExecuteNonQuery();

                var update = context.Command("""
                    UPDATE deliveries
                    SET status = $status, attempt_count = attempt_count + 1, next_attempt_at = $next, lease_owner = NULL,
                        last_status_code = $code, completed_at = $completed
                    WHERE id = $id;
                    """);
                update.Parameters.AddWithValue("$id", record.Delivery.Id);
                update.Parameters.AddWithValue("$status", (int)record.NewStatus);
                update.Parameters.AddWithValue("$next", record.NextAttemptAt ?? record.AttemptedAt);
                update.Parameters.AddWithValue("$code", (object?)record.StatusCode ?? DBNull.Value);
                update.Parameters.AddWithValue("$completed", record.NextAttemptAt is null ? record.AttemptedAt : DBNull.Value);
                update.ExecuteNonQuery();
            }
        }, cancellationToken);

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
