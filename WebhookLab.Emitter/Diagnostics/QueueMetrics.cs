using System.Diagnostics.Metrics;
using WebhookLab.ServiceDefaults;
using WebhookLab.ServiceDefaults.Sqlite;

namespace WebhookLab.Emitter.Diagnostics;

// The queue's depth and age as observable gauges, read from SQLite at most once a second however often they are collected.
public sealed class QueueMetrics
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;
    private (long Pending, double OldestAgeSeconds) _last;

    public QueueMetrics(IMeterFactory meterFactory, SqliteDatabase database, TimeProvider timeProvider)
    {
        _database = database;
        _timeProvider = timeProvider;
        var meter = meterFactory.Create(WebhookLabTelemetry.EmitterName);
        meter.CreateObservableGauge("webhooks.queue.pending", () => Read().Pending, "{delivery}",
            "Deliveries waiting for an attempt (pending or failed with a retry scheduled).");
        meter.CreateObservableGauge("webhooks.queue.oldest_pending_age", () => Read().OldestAgeSeconds, "s",
            "Age of the oldest delivery still waiting.");
    }

    public (long Pending, double OldestAgeSeconds) Read()
    {
        lock (_lock)
        {
            var now = _timeProvider.GetUtcNow();
            if (now - _readAt < RefreshInterval)
            {
                return _last;
            }

            using var connection = _database.OpenConnection();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*), MIN(created_at) FROM deliveries WHERE status IN (0, 1);";
            using var reader = command.ExecuteReader();
            reader.Read();
            var pending = reader.GetInt64(0);
            var oldest = reader.IsDBNull(1) ? (long?)null : reader.GetInt64(1);
            _last = (pending, oldest is { } created ? Math.Max(0, (now.ToUnixTimeMilliseconds() - created) / 1000.0) : 0);
            _readAt = now;
            return _last;
        }
    }
}
