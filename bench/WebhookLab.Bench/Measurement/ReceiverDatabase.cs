namespace WebhookLab.Bench.Measurement;

public readonly record struct InboxRow(string WebhookId, long ReceivedAt, long ReceiveCount, long? ProcessedAt);

// The receiver's inbox(webhook_id, received_at, receive_count, processed_at), one row per webhook-id.
public sealed class ReceiverDatabase(string path) : ReadOnlyDatabase(path)
{
    // Rows are only ever inserted, so the largest id is the number stored, found without a scan.
    public long StoredCount() => Exists ? Scalar("SELECT COALESCE(MAX(id), 0) FROM inbox;") : 0;

    public long TotalReceives() => Exists ? Scalar("SELECT COALESCE(SUM(receive_count), 0) FROM inbox;") : 0;

    // Counted from the processor's partial index.
    public long UnprocessedCount() => Exists ? Scalar("SELECT COUNT(*) FROM inbox WHERE processed_at IS NULL;") : 0;

    public long MaxReceivedAt() => Scalar("SELECT COALESCE(MAX(received_at), 0) FROM inbox;");

    public IReadOnlyList<(double Seconds, long Count)> ReceivedPerBucket(long from, int bucketMs) =>
        Buckets("inbox", "received_at", "", from, bucketMs);

    public IEnumerable<InboxRow> Rows()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT webhook_id, received_at, receive_count, processed_at FROM inbox;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new InboxRow(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetInt64(3));
        }
    }
}
