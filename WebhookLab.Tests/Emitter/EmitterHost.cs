using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebhookLab.Emitter.Data;
using WebhookLab.ServiceDefaults.Sqlite;

namespace WebhookLab.Tests.Emitter;

// The real emitter in-process, on a fresh SQLite file, with an API key and whatever settings a test gives it.
// Every log message it writes is kept, so tests can check that no secret ever appears in one.
public sealed class EmitterHost : WebApplicationFactory<Outbox>
{
    public const string ApiKey = "test-emitter-api-key-1234567890";

    private readonly string _directory = Directory.CreateTempSubdirectory("webhooklab-emitter-").FullName;
    private readonly Dictionary<string, string?> _settings;

    public EmitterHost(Dictionary<string, string?>? settings = null)
    {
        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:emitterdb"] = $"Data Source={Path.Combine(_directory, "emitter.db")}",
            ["Emitter:ApiKey"] = ApiKey,
            ["Emitter:Delivery:RetrySchedule:0"] = "00:00:01",
            ["Emitter:Delivery:RetrySchedule:1"] = "00:00:01",
            ["Emitter:Delivery:RetrySchedule:2"] = "00:00:01",
            ["Emitter:Delivery:AttemptTimeout"] = "00:00:02",
            ["Emitter:Delivery:LeaseDuration"] = "00:00:10",
        };
        foreach (var (key, value) in settings ?? [])
        {
            _settings[key] = value;
        }
    }

    public ConcurrentQueue<string> LogMessages { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(new RecordingLoggerProvider(LogMessages)).SetMinimumLevel(LogLevel.Debug));
    }

    public HttpClient CreateApiClient(string? apiKey = ApiKey)
    {
        var client = CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    // Row counts of every table: what "the stores are unchanged" compares.
    public string StoreFingerprint()
    {
        var database = Services.GetRequiredService<SqliteDatabase>();
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT COUNT(*) FROM subscriptions) || '/' || (SELECT COUNT(*) FROM events) || '/' ||
                   (SELECT COUNT(*) FROM deliveries) || '/' || (SELECT COUNT(*) FROM orders) || '/' ||
                   (SELECT COALESCE(MAX(updated_at), 0) FROM subscriptions);
            """;
        return (string)command.ExecuteScalar()!;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class RecordingLoggerProvider(ConcurrentQueue<string> messages) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new RecordingLogger(messages);

        public void Dispose()
        {
        }
    }

    private sealed class RecordingLogger(ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            messages.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
    }
}
