using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using WebhookLab.Emitter.Data;
using WebhookLab.Emitter.Delivery;
using WebhookLab.Emitter.Diagnostics;
using WebhookLab.ServiceDefaults.Sqlite;

namespace WebhookLab.Tests.Unit;

// The emitter's real store on a fresh SQLite file, for tests of what it writes.
internal sealed class EmitterStore : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("webhooklab-unit-").FullName;
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public EmitterStore()
    {
        Database = new SqliteDatabase(new SqliteClientSettings
        {
            ConnectionString = $"Data Source={Path.Combine(_directory, "emitter.db")}",
            Schema = EmitterSchema.Sql,
        });
        Subscriptions = new SubscriptionStore(Database);
        Outbox = new Outbox(Database, Subscriptions, Signal, new EmitterDiagnostics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), Time);
        Queue = new DeliveryQueue(Database, Subscriptions);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    public DeliverySignal Signal { get; } = new();

    public SqliteDatabase Database { get; }

    public SubscriptionStore Subscriptions { get; }

    public Outbox Outbox { get; }

    public DeliveryQueue Queue { get; }

    public long Count(string table)
    {
        using var connection = Database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table};";
        return (long)command.ExecuteScalar()!;
    }

    public void Execute(string sql)
    {
        using var connection = Database.OpenConnection();
        SqliteDatabase.Execute(connection, sql);
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
