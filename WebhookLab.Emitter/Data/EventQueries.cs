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
            SELECT d.id, d.subscription_id, d.status, a.attempted_at, a.status_code, a.duration_ms, a.error
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
                        reader.IsDBNull(6) ? null : reader.GetString(6)));
                }
            }
        }

        return new EventDetails(id, type, Timestamps.FromUnixMilliseconds(createdAt), data, deliveries);
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
