using Microsoft.Data.Sqlite;

namespace WebhookLab.ServiceDefaults.Sqlite;

// One SQLite database file: opens connections with the settings the services rely on, and owns its single writer.
public sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly SqliteClientSettings _settings;
    private readonly Lazy<SqliteWriter> _writer;

    public SqliteDatabase(SqliteClientSettings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException("A SQLite connection string is required.");
        }

        _settings = settings;
        var builder = new SqliteConnectionStringBuilder(settings.ConnectionString);
        DataSource = builder.DataSource;
        ConnectionString = builder.ToString();

        var directory = Path.GetDirectoryName(Path.GetFullPath(DataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        using (var connection = OpenConnection())
        {
            // WAL lets readers run beside the one writer; the mode is stored in the file.
            Execute(connection, "PRAGMA journal_mode=WAL;");
            if (!string.IsNullOrWhiteSpace(settings.Schema))
            {
                Execute(connection, settings.Schema);
            }
        }

        _writer = new Lazy<SqliteWriter>(() => new SqliteWriter(this, settings.MaxWritesPerCommit));
    }

    public string DataSource { get; }

    public string ConnectionString { get; }

    public SqliteSynchronousMode Synchronous => _settings.Synchronous;

    // The one writer of this database: every write goes through it and shares commits with the writes queued beside it.
    public SqliteWriter Writer => _writer.Value;

    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        Execute(connection, _settings.Synchronous == SqliteSynchronousMode.Full
            ? "PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;"
            : "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;");
        return connection;
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer.IsValueCreated)
        {
            await _writer.Value.DisposeAsync();
        }
    }
}
