using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using WebhookLab.Emitter.Model;
using WebhookLab.ServiceDefaults.Sqlite;
using WebhookLab.ServiceDefaults.Webhooks;

namespace WebhookLab.Emitter.Data;

public sealed record SubscriptionOutcome(string SubscriptionId, bool Succeeded, bool Gone, long At);

public sealed record DisabledSubscription(string SubscriptionId, string Reason);

// Subscriptions live in SQLite and in an in-memory copy that publishing and delivery read without a query.
// The copy is changed by the same write that changes the table, inside the writer, so a publish queued after a
// change sees it.
public sealed class SubscriptionStore
{
    // The due time of a paused delivery: its subscription is disabled, and enabling it makes the delivery due again.
    public const long PausedUntil = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

    private const string Columns =
        "id, url, event_types, secret, description, enabled, created_at, disabled_reason, previous_secret, previous_secret_expires_at";

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
        WriteAndKeepCopyAsync(context => Save(context, subscription, now), cancellationToken);

    // Changes a subscription; disabling pauses its queued deliveries, enabling makes them due again at once.
    public Task<Subscription?> UpdateAsync(string id, Func<Subscription, Subscription> change, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAndKeepCopyAsync(context =>
        {
            if (Find(id) is not { } current)
            {
                return null;
            }

            var updated = change(current);
            Save(context, updated, now);
            if (current.Enabled != updated.Enabled)
            {
                SetPaused(context, id, paused: !updated.Enabled, now.ToUnixTimeMilliseconds());
            }

            return updated;
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

    // Runs inside the write that records attempt results: a success clears a subscription's failure streak; a 410 Gone,
    // or failures without a single success for `disableAfter` and at least `minimumFailures` attempts, disable it.
    public List<DisabledSubscription> RecordOutcomes(
        SqliteWriteContext context, IEnumerable<SubscriptionOutcome> outcomes, TimeSpan disableAfter, int minimumFailures, DateTimeOffset now)
    {
        var disabled = new List<DisabledSubscription>();
        foreach (var group in outcomes.GroupBy(o => o.SubscriptionId, StringComparer.Ordinal))
        {
            if (Find(group.Key) is not { Enabled: true } subscription)
            {
                continue;
            }

            // Outcomes of one batch arrive in no particular order: a success resets the streak, later failures start a new one.
            var lastSuccess = group.Where(o => o.Succeeded).Select(o => (long?)o.At).Max();
            if (lastSuccess is not null)
            {
                var reset = context.Command("UPDATE subscriptions SET first_failure_at = NULL, failures_since_success = 0 WHERE id = $id;");
                reset.Parameters.AddWithValue("$id", group.Key);
                reset.ExecuteNonQuery();
            }

            var failuresAfter = group.Where(o => !o.Succeeded && o.At >= (lastSuccess ?? long.MinValue)).ToList();
            if (failuresAfter.Count == 0)
            {
                continue;
            }

            var update = context.Command("""
                UPDATE subscriptions
                SET first_failure_at = COALESCE(first_failure_at, $firstFailure), failures_since_success = failures_since_success + $failures
                WHERE id = $id
                RETURNING first_failure_at, failures_since_success;
                """);
            update.Parameters.AddWithValue("$id", group.Key);
            update.Parameters.AddWithValue("$failures", failuresAfter.Count);
            update.Parameters.AddWithValue("$firstFailure", failuresAfter.Min(o => o.At));
            long firstFailureAt;
            long failures;
            using (var reader = update.ExecuteReader())
            {
                reader.Read();
                firstFailureAt = reader.GetInt64(0);
                failures = reader.GetInt64(1);
            }

            string? reason = null;
            if (failuresAfter.Any(o => o.Gone))
            {
                reason = "The endpoint answered 410 Gone.";
            }
            else if (failures >= minimumFailures && now.ToUnixTimeMilliseconds() - firstFailureAt >= (long)disableAfter.TotalMilliseconds)
            {
                reason = $"No successful delivery in {failures} attempts since {DateTimeOffset.FromUnixTimeMilliseconds(firstFailureAt):O}.";
            }

            if (reason is not null)
            {
                Save(context, subscription with { Enabled = false, DisabledReason = reason }, now);
                SetPaused(context, subscription.Id, paused: true, now.ToUnixTimeMilliseconds());
                disabled.Add(new DisabledSubscription(subscription.Id, reason));
            }
        }

        return disabled;
    }

    private Subscription Save(SqliteWriteContext context, Subscription subscription, DateTimeOffset now)
    {
        var command = context.Command("""
            INSERT INTO subscriptions (id, url, event_types, secret, description, enabled, disabled_reason,
                previous_secret, previous_secret_expires_at, created_at, updated_at)
            VALUES ($id, $url, $types, $secret, $description, $enabled, $reason, $previous, $previousExpires, $created, $now)
            ON CONFLICT(id) DO UPDATE SET url = excluded.url, event_types = excluded.event_types, secret = excluded.secret,
                description = excluded.description, enabled = excluded.enabled, disabled_reason = excluded.disabled_reason,
                previous_secret = excluded.previous_secret, previous_secret_expires_at = excluded.previous_secret_expires_at,
                updated_at = excluded.updated_at;
            """);
        command.Parameters.AddWithValue("$id", subscription.Id);
        command.Parameters.AddWithValue("$url", subscription.Url);
        command.Parameters.AddWithValue("$types", JsonSerializer.Serialize(subscription.EventTypes));
        command.Parameters.AddWithValue("$secret", subscription.Secret.Reveal());
        command.Parameters.AddWithValue("$description", (object?)subscription.Description ?? DBNull.Value);
        command.Parameters.AddWithValue("$enabled", subscription.Enabled ? 1 : 0);
        command.Parameters.AddWithValue("$reason", subscription.Enabled ? DBNull.Value : (object?)subscription.DisabledReason ?? DBNull.Value);
        command.Parameters.AddWithValue("$previous", (object?)subscription.PreviousSecret?.Reveal() ?? DBNull.Value);
        command.Parameters.AddWithValue("$previousExpires", (object?)subscription.PreviousSecretExpiresAt ?? DBNull.Value);
        command.Parameters.AddWithValue("$created", subscription.CreatedAt);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();

        if (subscription.Enabled)
        {
            // A re-enabled subscription starts with a clean failure record.
            var reset = context.Command("UPDATE subscriptions SET first_failure_at = NULL, failures_since_success = 0 WHERE id = $id AND $wasDisabled = 1;");
            reset.Parameters.AddWithValue("$id", subscription.Id);
            reset.Parameters.AddWithValue("$wasDisabled", Find(subscription.Id) is { Enabled: false } ? 1 : 0);
            reset.ExecuteNonQuery();
        }

        _subscriptions = _subscriptions.SetItem(subscription.Id, subscription with { DisabledReason = subscription.Enabled ? null : subscription.DisabledReason });
        return _subscriptions[subscription.Id];
    }

    private static void SetPaused(SqliteWriteContext context, string subscriptionId, bool paused, long now)
    {
        var command = context.Command(paused
            ? "UPDATE deliveries SET next_attempt_at = $paused WHERE subscription_id = $id AND status IN (0, 1) AND lease_owner IS NULL;"
            : "UPDATE deliveries SET next_attempt_at = $now WHERE subscription_id = $id AND status IN (0, 1) AND next_attempt_at = $paused;");
        command.Parameters.AddWithValue("$id", subscriptionId);
        command.Parameters.AddWithValue("$paused", PausedUntil);
        command.Parameters.AddWithValue("$now", now);
        command.ExecuteNonQuery();
    }

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
        command.CommandText = $"SELECT {Columns} FROM subscriptions;";
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
        reader.GetInt64(6))
    {
        DisabledReason = reader.IsDBNull(7) ? null : reader.GetString(7),
        PreviousSecret = reader.IsDBNull(8) ? null : WebhookSecret.Parse(reader.GetString(8)),
        PreviousSecretExpiresAt = reader.IsDBNull(9) ? null : reader.GetInt64(9),
    };
}
