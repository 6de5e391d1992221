using System.Globalization;
using System.Text.Json;
using WebhookLab.Emitter.Model;
using WebhookLab.ServiceDefaults.Sqlite;

namespace WebhookLab.Emitter.Data;

// Reads for the API, on their own connections: WAL lets them run beside the writer.
public sealed class EventQueries(SqliteDatabase database)
{
    public EventDetails? FindEvent(string id)
    {
        using var connection = database.OpenConnection();
        using var eventCommand = connection.CreateCommand();
        eventCommand.CommandText = "SELECT type, body, created_at FROM events WHERE id = $id;";
        eventCommand.Parameters.AddWithValue("$id", id);
        string type;
        JsonElement data;
        long createdAt;
        using (var reader = eventCommand.ExecuteReader())
        {
            if (!reader.Read())
            {
                return null;
            }

            type = reader.GetString(0);
            using var body = JsonDocument.Parse((byte[])reader.GetValue(1));
            data = body.RootElement.GetProperty("data").Clone();
            createdAt = reader.GetInt64(2);
        }

        using var deliveryCommand = connection.CreateCommand();
        deliveryCommand.CommandText = """
            SELECT d.id, d.subscription_id, d.status, a.attempted_at, a.status_code, a.duration_ms, a.error, a.trace_id
            FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id
            WHERE d.event_id = $id
            ORDER BY d.id, a.attempt_number;
            """;
        deliveryCommand.Parameters.AddWithValue("$id", id);
        var deliveries = new List<DeliveryDetails>();
        using (var reader = deliveryCommand.ExecuteReader())
        {
            while (reader.Read())
            {
                var deliveryId = reader.GetString(0);
                if (deliveries.Count == 0 || deliveries[^1].Id != deliveryId)
                {
                    deliveries.Add(new DeliveryDetails(deliveryId, reader.GetString(1), ((DeliveryStatus)reader.GetInt32(2)).ToApiName(), new List<AttemptDetails>()));
                }

                if (!reader.IsDBNull(3))
                {
                    ((List<AttemptDetails>)deliveries[^1].Attempts).Add(new AttemptDetails(
                        Timestamps.FromUnixMilliseconds(reader.GetInt64(3)),
                        reader.IsDBNull(4) ? null : reader.GetInt32(4),
                        Math.Round(reader.GetDouble(5), 3),
                        reader.IsDBNull(6) ? null : reader.GetString(6),
                        reader.IsDBNull(7) ? null : reader.GetString(7)));
                }
            }
        }

        return new EventDetails(id, type, Timestamps.FromUnixMilliseconds(createdAt), data, deliveries);
    }

    // Newest first, paged by delivery id (ids sort by creation time).
    public DeliveryPage ListDeliveries(DeliveryStatus? status, string? subscriptionId, int limit, string? cursor)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT d.id, d.event_id, e.type, d.subscription_id, d.status, d.attempt_count, d.last_status_code,
                   d.created_at, d.next_attempt_at, d.completed_at
            FROM deliveries d JOIN events e ON e.id = d.event_id
            WHERE ($status IS NULL OR d.status = $status)
              AND ($subscription IS NULL OR d.subscription_id = $subscription)
              AND ($cursor IS NULL OR d.id < $cursor)
            ORDER BY d.id DESC
            LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$status", status is { } s ? (int)s : DBNull.Value);
        command.Parameters.AddWithValue("$subscription", (object?)subscriptionId ?? DBNull.Value);
        command.Parameters.AddWithValue("$cursor", (object?)cursor ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit + 1);

        var items = new List<DeliverySummary>(limit);
        using var reader = command.ExecuteReader();
        while (reader.Read() && items.Count <= limit)
        {
            var deliveryStatus = (DeliveryStatus)reader.GetInt32(4);
            var waiting = deliveryStatus is DeliveryStatus.Pending or DeliveryStatus.Failed;
            var next = reader.GetInt64(8);
            var paused = waiting && next == SubscriptionStore.PausedUntil;
            items.Add(new DeliverySummary(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                deliveryStatus.ToApiName(),
                reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetInt32(6),
                Timestamps.FromUnixMilliseconds(reader.GetInt64(7)),
                waiting && !paused ? Timestamps.FromUnixMilliseconds(next) : null,
                paused,
                reader.IsDBNull(9) ? null : Timestamps.FromUnixMilliseconds(reader.GetInt64(9))));
        }

        // One row more than asked for says there is a next page.
        var more = items.Count > limit;
        if (more)
        {
            items.RemoveAt(items.Count - 1);
        }

        return new DeliveryPage(items, more ? items[^1].Id : null);
    }

    public OrderDetails? FindOrder(string id)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT customer, amount, created_at, event_id FROM orders WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new OrderDetails(id, reader.GetString(0), decimal.Parse(reader.GetString(1), CultureInfo.InvariantCulture),
                Timestamps.FromUnixMilliseconds(reader.GetInt64(2)), reader.GetString(3))
            : null;
    }
}
