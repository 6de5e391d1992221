using Microsoft.Data.Sqlite;

namespace WebhookLab.Bench.Measurement;

public sealed record EmitterEvent(long CreatedAt, int Deliveries);

public sealed record DeliveryTotals(long Deliveries, long Pending, long Failed, long Succeeded, long Dead, long Attempts);

// The emitter's tables as the bench reads them: events(id, created_at, delivery_count), deliveries(status, attempt_count, ...).
public sealed class EmitterDatabase(string path) : ReadOnlyDatabase(path)
{
    // Events are never deleted, so the largest rowid is the number of events, found without a scan.
    public long EventCount() => Scalar("SELECT COALESCE(MAX(rowid), 0) FROM events;");

    // Pending or failed with a retry due: the rows of the dispatcher's partial index, so counted from it.
    public long OpenDeliveries() => Scalar("SELECT COUNT(*) FROM deliveries WHERE status IN (0, 1);");

    public long UnattemptedDeliveries() => Scalar("SELECT COUNT(*) FROM deliveries WHERE status IN (0, 1) AND status = 0;");

    public long MaxCompletedAt(long from) => Scalar("SELECT COALESCE(MAX(completed_at), 0) FROM deliveries WHERE status = 2 AND created_at >= $from;", ("$from", from));

    public Dictionary<string, EmitterEvent> Events()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, created_at, delivery_count FROM events;";
        using var reader = command.ExecuteReader();
        var events = new Dictionary<string, EmitterEvent>(StringComparer.Ordinal);
        while (reader.Read())
        {
            events[reader.GetString(0)] = new EmitterEvent(reader.GetInt64(1), reader.GetInt32(2));
        }

        return events;
    }

    // Deliveries of the events created since `from` (all of them with from = 0).
    public DeliveryTotals Totals(long from)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT COUNT(*), COALESCE(SUM(status = 0), 0), COALESCE(SUM(status = 1), 0), COALESCE(SUM(status = 2), 0),
                   COALESCE(SUM(status = 3), 0), COALESCE(SUM(attempt_count), 0)
            FROM deliveries WHERE created_at >= $from;
            """;
        command.Parameters.AddWithValue("$from", from);
        using var reader = command.ExecuteReader();
        reader.Read();
        return new DeliveryTotals(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
    }

    public IReadOnlyList<(double Seconds, long Count)> CreatedPerBucket(long from, int bucketMs) =>
        Buckets("events", "created_at", "", from, bucketMs);

    public IReadOnlyList<(double Seconds, long Count)> CompletedPerBucket(long from, int bucketMs) =>
        Buckets("deliveries", "completed_at", "AND status = 2", from, bucketMs);

    // Each succeeded delivery's latency as the emitter saw it: from the event's creation to the end of the successful attempt.
    public IEnumerable<long> DeliveryLatencies(long from)
    {
        using var connection = Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT completed_at - created_at FROM deliveries WHERE status = 2 AND created_at >= $from;";
        command.Parameters.AddWithValue("$from", from);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return reader.GetInt64(0);
        }
    }
}
