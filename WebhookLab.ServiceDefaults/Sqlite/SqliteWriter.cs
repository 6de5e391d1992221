using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace WebhookLab.ServiceDefaults.Sqlite;

// Group commit: one connection and one loop take every queued write, run each in its own savepoint inside one transaction,
// and commit them together. A failed write rolls back alone; the others still commit. Callers wait for the commit.
public sealed class SqliteWriter : IAsyncDisposable
{
    private readonly Channel<WriteOperation> _queue = Channel.CreateUnbounded<WriteOperation>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteDatabase _database;
    private readonly int _maxWritesPerCommit;
    private readonly Task _loop;

    internal SqliteWriter(SqliteDatabase database, int maxWritesPerCommit)
    {
        _database = database;
        _maxWritesPerCommit = Math.Max(1, maxWritesPerCommit);
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    private long _commits;

    // How many transactions the writer has committed; fewer than writes when writes share commits.
    public long Commits => Interlocked.Read(ref _commits);

    public bool IsRunning => !_loop.IsCompleted;

    public Task<T> WriteAsync<T>(Func<SqliteWriteContext, T> write, CancellationToken cancellationToken = default)
    {
        var operation = new WriteOperation<T>(write);
        if (!_queue.Writer.TryWrite(operation))
        {
            throw new ObjectDisposedException(nameof(SqliteWriter), "The database is shutting down.");
        }

        // Once queued, a write is committed or failed by the loop; cancellation only stops the caller from waiting.
        return operation.Completion.WaitAsync(cancellationToken);
    }

    public Task WriteAsync(Action<SqliteWriteContext> write, CancellationToken cancellationToken = default) =>
        WriteAsync<bool>(context =>
        {
            write(context);
            return true;
        }, cancellationToken);

    private async Task RunAsync()
    {
        SqliteConnection connection;
        try
        {
            connection = _database.OpenConnection();
        }
        catch (Exception exception)
        {
            // Without a connection no write can ever commit: refuse new ones and fail those already queued.
            _queue.Writer.TryComplete(exception);
            while (_queue.Reader.TryRead(out var queued))
            {
                queued.Fail(exception);
            }

            throw;
        }

        using var _ = connection;
        var context = new SqliteWriteContext(connection);
        var batch = new List<WriteOperation>(_maxWritesPerCommit);

        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxWritesPerCommit && _queue.Reader.TryRead(out var operation))
            {
                batch.Add(operation);
            }

            try
            {
                context.Execute("BEGIN IMMEDIATE;");
                foreach (var operation in batch)
                {
                    context.Execute("SAVEPOINT write;");
                    if (operation.Run(context))
                    {
                        context.Execute("RELEASE write;");
                    }
                    else
                    {
                        context.Execute("ROLLBACK TO write; RELEASE write;");
                    }
                }

                context.Execute("COMMIT;");
                Interlocked.Increment(ref _commits);
                foreach (var operation in batch)
                {
                    operation.Complete();
                }
            }
            catch (Exception exception)
            {
                // The commit itself failed (disk full, I/O error): nothing of this batch is stored, and every caller hears so.
                TryRollback(context);
                foreach (var operation in batch)
                {
                    operation.Fail(exception);
                }
            }

            batch.Clear();
        }
    }

    private static void TryRollback(SqliteWriteContext context)
    {
        try
        {
            context.Execute("ROLLBACK;");
        }
        catch (SqliteException)
        {
            // No transaction was open.
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Writes already queued are still committed before the connection closes.
        _queue.Writer.TryComplete();
        await _loop;
    }

    private abstract class WriteOperation
    {
        // Returns false when the write threw: its savepoint is rolled back, the batch goes on.
        public abstract bool Run(SqliteWriteContext context);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class WriteOperation<T>(Func<SqliteWriteContext, T> write) : WriteOperation
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Completion => _completion.Task;

        public override bool Run(SqliteWriteContext context)
        {
            try
            {
                _result = write(context);
                return true;
            }
            catch (Exception exception)
            {
                _error = exception;
                return false;
            }
        }

        public override void Complete()
        {
            if (_error is null)
            {
                _completion.TrySetResult(_result!);
            }
            else
            {
                _completion.TrySetException(_error);
            }
        }

        public override void Fail(Exception exception) => _completion.TrySetException(_error ?? exception);
    }
}

// What a write sees: the writer's connection, with its prepared statements kept between batches.
public sealed class SqliteWriteContext(SqliteConnection connection)
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteConnection Connection => connection;

    // A prepared command for this SQL text, reused across writes; parameters are cleared for the caller.
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }

        command.Parameters.Clear();
        return command;
    }

    public void Execute(string sql) => Command(sql).ExecuteNonQuery();
}
