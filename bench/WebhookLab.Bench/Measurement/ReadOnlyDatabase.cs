using Microsoft.Data.Sqlite;

namespace WebhookLab.Bench.Measurement;

// A service's SQLite file opened read-only beside the running service (WAL mode lets readers run beside its writer).
public abstract class ReadOnlyDatabase(string path)
{
    public string Path { get; } = path;

    public bool Exists => File.Exists(Path);

    protected SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={Path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout=10000;";
        command.ExecuteNonQuery();
        return connection;
    }

    protected long Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteScalar() is long result ? result : 0;
    }

    // Rows per time bucket from `from` on: (bucket start in seconds after `from`, rows).
    protected IReadOnlyList<(double Seconds, long Count)> Buckets(string table, string column, string where, long from, int bucketMs)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT ({column} - $from) / $bucket, COUNT(*) FROM {table} WHERE {column} >= $from {where} GROUP BY 1 ORDER BY 1;";
        command.Parameters.AddWithValue("$from", from);
        command.Parameters.AddWithValue("$bucket", bucketMs);
        using var reader = command.ExecuteReader();
        var buckets = new List<(double, long)>();
        while (reader.Read())
        {
            buckets.Add((reader.GetInt64(0) * bucketMs / 1000.0, reader.GetInt64(1)));
        }

        return buckets;
    }
}
