using System.Globalization;
using WebhookLab.ServiceDefaults.Sqlite;

namespace WebhookLab.Receiver.Data;

// The data of an order.created webhook that the projection keeps.
public sealed record OrderCreated(string OrderId, string? Customer, decimal Amount);

public sealed record OrderEntry(string OrderId, string? Customer, decimal Amount, string WebhookId, long CreatedAt);

// The orders table: the current state of each order, built from processed webhooks.
public sealed class OrderProjection(SqliteDatabase database)
{
    private const string UpsertSql = """
        INSERT INTO orders (order_id, customer, amount, webhook_id, created_at)
        VALUES ($order_id, $customer, $amount, $webhook_id, $created_at)
        ON CONFLICT (order_id) DO UPDATE SET
            customer = excluded.customer,
            amount = excluded.amount,
            webhook_id = excluded.webhook_id,
            created_at = excluded.created_at;
        """;

    // Runs inside the write that marks the webhook processed.
    public static void Upsert(SqliteWriteContext context, OrderCreated order, string webhookId, long processedAt)
    {
        var command = context.Command(UpsertSql);
        command.Parameters.AddWithValue("$order_id", order.OrderId);
        command.Parameters.AddWithValue("$customer", (object?)order.Customer ?? DBNull.Value);
        // Invariant text keeps every digit and the sender's scale (5 stays 5, 42.50 stays 42.50).
        command.Parameters.AddWithValue("$amount", order.Amount.ToString(CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$webhook_id", webhookId);
        command.Parameters.AddWithValue("$created_at", processedAt);
        command.ExecuteNonQuery();
    }

    // Newest first.
    public IReadOnlyList<OrderEntry> ListRecent(int limit)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT order_id, customer, amount, webhook_id, created_at FROM orders
            ORDER BY created_at DESC, rowid DESC
            LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$limit", limit);

        using var reader = command.ExecuteReader();
        var orders = new List<OrderEntry>();
        while (reader.Read())
        {
            orders.Add(new OrderEntry(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetDecimal(2),
                reader.GetString(3),
                reader.GetInt64(4)));
        }

        return orders;
    }
}
