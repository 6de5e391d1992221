using Microsoft.Data.Sqlite;
using WebhookLab.ServiceDefaults.Sqlite;

namespace WebhookLab.Receiver.Data;

// A verified webhook as it enters the inbox.
public sealed record InboundWebhook(string WebhookId, string Type, string? Payload, long WebhookTimestamp, string? Traceparent);

// A stored webhook as the read API shows it.
public sealed record InboxEntry(string WebhookId, string Type, string? Payload, long ReceivedAt, long ReceiveCount, long? ProcessedAt, string? Traceparent);

// The inbox in figures: rows, repeated deliveries of a stored id, and rows processed.
public sealed record InboxCounts(long Accepted, long Duplicates, long Processed);

// A stored webhook waiting for the processor.
public sealed record PendingWebhook(long Id, string WebhookId, string Type, string? Payload, string? Traceparent);

// The inbox table: one row per webhook-id, whatever the number of deliveries.
public sealed class WebhookInbox(SqliteDatabase database, TimeProvider timeProvider)
{
    // A new id inserts the row (receive_count 1); a known id only counts the delivery.
    private const string ReceiveSql = """
        INSERT INTO inbox (webhook_id, type, payload, received_at, webhook_timestamp, traceparent)
        VALUES ($webhook_id, $type, $payload, $received_at, $webhook_timestamp, $traceparent)
        ON CONFLICT (webhook_id) DO UPDATE SET receive_count = receive_count + 1
        RETURNING receive_count;
        """;

    private const string MarkProcessedSql = "UPDATE inbox SET processed_at = $processed_at WHERE id = $id AND processed_at IS NULL;";

    private const string SelectEntry = "SELECT webhook_id, type, payload, received_at, receive_count, processed_at, traceparent FROM inbox";

    // Returns how many times this webhook-id has been received, this delivery included, once it is committed.
    public Task<long> ReceiveAsync(InboundWebhook webhook, CancellationToken cancellationToken) =>
        database.Writer.WriteAsync(context =>
        {
            var command = context.Command(ReceiveSql);
            command.Parameters.AddWithValue("$webhook_id", webhook.WebhookId);
            command.Parameters.AddWithValue("$type", webhook.Type);
            command.Parameters.AddWithValue("$payload", (object?)webhook.Payload ?? DBNull.Value);
            command.Parameters.AddWithValue("$received_at", timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$webhook_timestamp", webhook.WebhookTimestamp);
            command.Parameters.AddWithValue("$traceparent", (object?)webhook.Traceparent ?? DBNull.Value);
            return (long)command.ExecuteScalar()!;
        }, cancellationToken);

    // Marks a webhook processed and applies its effects in the same write, so both commit together or not at all.
    // Returns false when it was already processed; the effects are then not applied again.
    public Task<bool> CompleteAsync(long id, Action<SqliteWriteContext, long>? applyEffects, CancellationToken cancellationToken) =>
        database.Writer.WriteAsync(context =>
        {
            var processedAt = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            var command = context.Command(MarkProcessedSql);
            command.Parameters.AddWithValue("$processed_at", processedAt);
            command.Parameters.AddWithValue("$id", id);
            if (command.ExecuteNonQuery() == 0)
            {
                return false;
            }

            applyEffects?.Invoke(context, processedAt);
            return true;
        }, cancellationToken);

    // Oldest first, after the given row id (a pass moves past the rows it could not process so they do not block the rest).
    public IReadOnlyList<PendingWebhook> ListUnprocessed(long afterId, int limit)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, webhook_id, type, payload, traceparent FROM inbox
            WHERE processed_at IS NULL AND id > $after
            ORDER BY id
            LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$after", afterId);
        command.Parameters.AddWithValue("$limit", limit);

        using var reader = command.ExecuteReader();
        var pending = new List<PendingWebhook>();
        while (reader.Read())
        {
            pending.Add(new PendingWebhook(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return pending;
    }

    // Newest first.
    public IReadOnlyList<InboxEntry> ListRecent(int limit)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"{SelectEntry} ORDER BY id DESC LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", limit);

        using var reader = command.ExecuteReader();
        var entries = new List<InboxEntry>();
        while (reader.Read())
        {
            entries.Add(ReadEntry(reader));
        }

        return entries;
    }

    public InboxEntry? Find(string webhookId)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"{SelectEntry} WHERE webhook_id = $webhook_id;";
        command.Parameters.AddWithValue("$webhook_id", webhookId);

        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadEntry(reader) : null;
    }

    public InboxCounts Count()
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COALESCE(SUM(receive_count - 1), 0), COUNT(processed_at) FROM inbox;";

        using var reader = command.ExecuteReader();
        reader.Read();
        return new InboxCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private static InboxEntry ReadEntry(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.GetInt64(3),
        reader.GetInt64(4),
        reader.IsDBNull(5) ? null : reader.GetInt64(5),
        reader.IsDBNull(6) ? null : reader.GetString(6));
}
