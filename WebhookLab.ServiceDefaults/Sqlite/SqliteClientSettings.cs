namespace WebhookLab.ServiceDefaults.Sqlite;

// Settings of the SQLite client integration, bound from "Sqlite:{connectionName}" and "ConnectionStrings:{connectionName}".
public sealed class SqliteClientSettings
{
    public string? ConnectionString { get; set; }

    // FULL: a commit survives a power loss. NORMAL (in WAL mode): a commit survives a process crash, the last ones may be lost on a power loss.
    public SqliteSynchronousMode Synchronous { get; set; } = SqliteSynchronousMode.Full;

    // Statements the service needs before its first query (CREATE TABLE IF NOT EXISTS ...).
    public string? Schema { get; set; }

    // How many queued writes share one transaction at most.
    public int MaxWritesPerCommit { get; set; } = 2000;

    public bool DisableHealthChecks { get; set; }
}

public enum SqliteSynchronousMode
{
    Normal,
    Full,
}
