using WebhookLab.Emitter.Model;
using WebhookLab.ServiceDefaults.Sqlite;

namespace WebhookLab.Emitter.Data;

// Delivery statistics from the durable log: what each subscription got since a time, and how fast.
public sealed class StatsQueries(SqliteDatabase database)
{
    public DeliveryStats Compute(DateTimeOffset since)
    {
        var from = since.ToUnixTimeMilliseconds();
        using var connection = database.OpenConnection();
        var rows = new Dictionary<string, Row>(StringComparer.Ordinal);
        Row For(string id) => rows.TryGetValue(id, out var row) ? row : rows[id] = new Row();

        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT subscription_id, status, COUNT(*) FROM deliveries WHERE created_at >= $since GROUP BY subscription_id, status;";
            command.Parameters.AddWithValue("$since", from);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var row = For(reader.GetString(0));
                var count = reader.GetInt64(2);
                switch ((DeliveryStatus)reader.GetInt32(1))
                {
                    case DeliveryStatus.Succeeded: row.Delivered = count; break;
                    case DeliveryStatus.Failed: row.Failed = count; break;
                    case DeliveryStatus.Dead: row.Dead = count; break;
                    default: row.Pending = count; break;
                }
            }
        }

        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT d.subscription_id, COUNT(*), SUM(a.outcome = 'success')
                FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
                WHERE a.attempted_at >= $since
                GROUP BY d.subscription_id;
                """;
            command.Parameters.AddWithValue("$since", from);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var row = For(reader.GetString(0));
                row.Attempts = reader.GetInt64(1);
                row.SuccessfulAttempts = reader.GetInt64(2);
            }
        }

        using (var command = connection.CreateCommand())
        {
            // Latency: from the event's creation to the successful attempt, across retries.
            command.CommandText = """
                SELECT subscription_id, completed_at - created_at FROM deliveries
                WHERE status = 2 AND created_at >= $since
                ORDER BY subscription_id, 2;
                """;
            command.Parameters.AddWithValue("$since", from);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                For(reader.GetString(0)).Latencies.Add(reader.GetInt64(1));
            }
        }

        var stats = rows
            .OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => new SubscriptionStats(
                r.Key,
                r.Value.Delivered,
                r.Value.Failed,
                r.Value.Dead,
                r.Value.Pending,
                r.Value.Attempts,
                r.Value.SuccessfulAttempts,
                r.Value.Attempts == 0 ? null : Math.Round((double)r.Value.SuccessfulAttempts / r.Value.Attempts, 4),
                new LatencyPercentiles(Percentile(r.Value.Latencies, 0.50), Percentile(r.Value.Latencies, 0.95), Percentile(r.Value.Latencies, 0.99))))
            .ToList();
        return new DeliveryStats(since.UtcDateTime, stats);
    }

    // Nearest-rank percentile of sorted values.
    public static double? Percentile(IReadOnlyList<long> sorted, double percentile) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(percentile * sorted.Count) - 1, 0, sorted.Count - 1)];

    private sealed class Row
    {
        public long Delivered;
        public long Failed;
        public long Dead;
        public long Pending;
        public long Attempts;
        public long SuccessfulAttempts;
        public readonly List<long> Latencies = [];
    }
}
