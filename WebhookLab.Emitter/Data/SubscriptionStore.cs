using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using WebhookLab.Emitter.Model;
using WebhookLab.ServiceDefaults.Sqlite;
using WebhookLab.ServiceDefaults.Webhooks;

namespace WebhookLab.Emitter.Data;

// Subscriptions live in SQLite and in an in-memory copy that publishing and delivery read without a query.
// The copy is changed by the same write that changes the table, inside the writer, so a publish queued after a
// change sees it.
public sealed class SubscriptionStore
{
    private readonly SqliteDatabase _database;
    private ImmutableDictionary<string, Subscription> _subscriptions;

    public SubscriptionStore(SqliteDatabase database)
    {
        _database = database;
        _subscriptions = LoadAll();
    }

    public IEnumerable<Subscription> All => _subscriptions.Values.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id, StringComparer.Ordinal);

    public Subscription? Find(string id) => _subscriptions.GetValueOrDefault(id);

    public List<Subscription> Matching(string eventType)
    {
        var matches = new List<Subscription>();
        foreach (var subscription in _subscriptions.Values)
        {
            if (subscription.Enabled && subscription.Matches(eventType))
            {
                matches.Add(subscription);
            }
        }

        return matches;
    }

    public Task<Subscription> SaveAsync(Subscription subscription, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAndKeepCopyAsync(context =>
        {
            var command = context.Command("""
                INSERT INTO subscriptions (id, url, event_types, secret, description, enabled, created_at, updated_at)
                VALUES ($id, $url, $types, $secret, $description, $enabled, $created, $now)
                ON CONFLICT(id) DO UPDATE SET url = excluded.url, event_types = excluded.event_types, secret = excluded.secret,
                    description = excluded.description, enabled = excluded.enabled, updated_at = excluded.updated_at;
                """);
            command.Parameters.AddWithValue("$id", subscription.Id);
            command.Parameters.AddWithValue("$url", subscription.Url);
            command.Parameters.AddWithValue("$types", JsonSerializer.Serialize(subscription.EventTypes));
            command.Parameters.AddWithValue("$secret", subscription.Secret.Reveal());
            command.Parameters.AddWithValue("$description", (object?)subscription.Description ?? DBNull.Value);
            command.Parameters.AddWithValue("$enabled", subscription.Enabled ? 1 : 0);
            command.Parameters.AddWithValue("$created", subscription.CreatedAt);
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();

            _subscriptions = _subscriptions.SetItem(subscription.Id, subscription);
            return subscription;
        }, cancellationToken);

    // Deleting a subscription deletes its deliveries and their attempts with it.
    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        WriteAndKeepCopyAsync(context =>
        {
            var command = context.Command("DELETE FROM subscriptions WHERE id = $id;");
            command.Parameters.AddWithValue("$id", id);
            var deleted = command.ExecuteNonQuery() > 0;
            _subscriptions = _subscriptions.Remove(id);
            return deleted;
        }, cancellationToken);

    private async Task<T> WriteAndKeepCopyAsync<T>(Func<SqliteWriteContext, T> write, CancellationToken cancellationToken)
    {
        try
        {
            return await _database.Writer.WriteAsync(write, cancellationToken);
        }
        catch
        {
            // The write (or its commit) failed after the copy may have changed: the table is the truth.
            _subscriptions = LoadAll();
            throw;
        }
    }

    private ImmutableDictionary<string, Subscription> LoadAll()
    {
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, url, event_types, secret, description, enabled, created_at FROM subscriptions;";
        using var reader = command.ExecuteReader();
        var builder = ImmutableDictionary.CreateBuilder<string, Subscription>(StringComparer.Ordinal);
        while (reader.Read())
        {
            builder[reader.GetString(0)] = Read(reader);
        }

        return builder.ToImmutable();
    }

    private static Subscription Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        JsonSerializer.Deserialize<List<string>>(reader.GetString(2)) ?? [],
        WebhookSecret.Parse(reader.GetString(3)),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.GetInt64(5) != 0,
        reader.GetInt64(6));
}
