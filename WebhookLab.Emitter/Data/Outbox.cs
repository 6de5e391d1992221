using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using WebhookLab.Emitter.Delivery;
using WebhookLab.Emitter.Diagnostics;
using WebhookLab.Emitter.Model;
using WebhookLab.ServiceDefaults.Sqlite;

namespace WebhookLab.Emitter.Data;

// The transactional outbox: an event and one delivery per matching subscription are written in the same transaction
// as the domain change that caused them, so either all of it is stored or none of it.
public sealed class Outbox(
    SqliteDatabase database,
    SubscriptionStore subscriptions,
    DeliverySignal signal,
    EmitterDiagnostics diagnostics,
    TimeProvider timeProvider)
{
    public async Task<PublishedEvent> PublishAsync(string type, JsonElement data, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var activity = StartOutboxWrite(1);
        var traceParent = Activity.Current?.Id;
        var appended = await database.Writer.WriteAsync(
            context => Append(context, type, data, idempotencyKey, traceParent), cancellationToken);
        Announce(appended);
        return appended.Event;
    }

    // Many events in one write: they commit together, or none does.
    public async Task<IReadOnlyList<PublishedEvent>> PublishBatchAsync(IReadOnlyList<NewEvent> events, CancellationToken cancellationToken)
    {
        using var activity = StartOutboxWrite(events.Count);
        var traceParent = Activity.Current?.Id;
        var appended = await database.Writer.WriteAsync(context =>
        {
            var results = new List<AppendedEvent>(events.Count);
            foreach (var item in events)
            {
                results.Add(Append(context, item.Type, item.Data, item.IdempotencyKey, traceParent));
            }

            return results;
        }, cancellationToken);

        foreach (var item in appended)
        {
            Announce(item);
        }

        return appended.Select(a => a.Event).ToList();
    }

    private static Activity? StartOutboxWrite(int events)
    {
        var activity = EmitterDiagnostics.ActivitySource.StartActivity("outbox write");
        activity?.SetTag("webhook.events", events);
        return activity;
    }

    public async Task<CreatedOrder> CreateOrderAsync(string customer, decimal amount, CancellationToken cancellationToken)
    {
        using var activity = StartOutboxWrite(1);
        var traceParent = Activity.Current?.Id;
        var (order, appended) = await database.Writer.WriteAsync(context =>
        {
            var now = timeProvider.GetUtcNow();
            var orderId = WebhookIds.New(WebhookIds.OrderPrefix, now);
            var data = JsonSerializer.SerializeToElement(new { orderId, customer, amount }, JsonSerializerOptions.Web);
            var appended = Append(context, "order.created", data, idempotencyKey: null, traceParent);

            var command = context.Command("""
                INSERT INTO orders (id, customer, amount, created_at, event_id) VALUES ($id, $customer, $amount, $created, $event);
                """);
            command.Parameters.AddWithValue("$id", orderId);
            command.Parameters.AddWithValue("$customer", customer);
            command.Parameters.AddWithValue("$amount", amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$created", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$event", appended.Event.Id);
            command.ExecuteNonQuery();
            return (new CreatedOrder(orderId, appended.Event.Id), appended);
        }, cancellationToken);

        Announce(appended);
        return order;
    }

    // Runs inside a write: stores the event and its deliveries, or answers the event already stored under this idempotency key.
    public AppendedEvent Append(SqliteWriteContext context, string type, JsonElement data, string? idempotencyKey, string? traceParent)
    {
        if (idempotencyKey is not null)
        {
            var existing = context.Command("SELECT id, type, delivery_count FROM events WHERE idempotency_key = $key;");
            existing.Parameters.AddWithValue("$key", idempotencyKey);
            using var reader = existing.ExecuteReader();
            if (reader.Read())
            {
                return new AppendedEvent(new PublishedEvent(reader.GetString(0), reader.GetString(1), reader.GetInt32(2)), IsNew: false);
            }
        }

        var now = timeProvider.GetUtcNow();
        var createdAt = now.ToUnixTimeMilliseconds();
        var eventId = WebhookIds.New(WebhookIds.EventPrefix, now);
        var targets = subscriptions.Matching(type);

        var insertEvent = context.Command("""
            INSERT INTO events (id, type, body, created_at, idempotency_key, delivery_count, trace_parent)
            VALUES ($id, $type, $body, $created, $key, $count, $trace);
            """);
        insertEvent.Parameters.AddWithValue("$id", eventId);
        insertEvent.Parameters.AddWithValue("$type", type);
        insertEvent.Parameters.AddWithValue("$body", WebhookBody(type, now, data));
        insertEvent.Parameters.AddWithValue("$created", createdAt);
        insertEvent.Parameters.AddWithValue("$key", (object?)idempotencyKey ?? DBNull.Value);
        insertEvent.Parameters.AddWithValue("$count", targets.Count);
        insertEvent.Parameters.AddWithValue("$trace", (object?)traceParent ?? DBNull.Value);
        insertEvent.ExecuteNonQuery();

        foreach (var subscription in targets)
        {
            var insertDelivery = context.Command("""
                INSERT INTO deliveries (id, event_id, subscription_id, status, next_attempt_at, created_at)
                VALUES ($id, $event, $subscription, 0, $created, $created);
                """);
            insertDelivery.Parameters.AddWithValue("$id", WebhookIds.New(WebhookIds.DeliveryPrefix, now));
            insertDelivery.Parameters.AddWithValue("$event", eventId);
            insertDelivery.Parameters.AddWithValue("$subscription", subscription.Id);
            insertDelivery.Parameters.AddWithValue("$created", createdAt);
            insertDelivery.ExecuteNonQuery();
        }

        return new AppendedEvent(new PublishedEvent(eventId, type, targets.Count), IsNew: true);
    }

    private void Announce(AppendedEvent appended)
    {
        if (!appended.IsNew)
        {
            return;
        }

        diagnostics.EventPublished(appended.Event.Type);
        if (appended.Event.Deliveries > 0)
        {
            signal.Notify();
        }
    }

    // The body every subscriber receives, byte for byte the same on every attempt: {"type", "timestamp", "data"}.
    private static byte[] WebhookBody(string type, DateTimeOffset timestamp, JsonElement data)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteString("timestamp", timestamp.UtcDateTime);
            writer.WritePropertyName("data");
            data.WriteTo(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

public sealed record AppendedEvent(PublishedEvent Event, bool IsNew);

public sealed record NewEvent(string Type, JsonElement Data, string? IdempotencyKey);
