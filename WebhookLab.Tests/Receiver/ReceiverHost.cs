using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using WebhookLab.Receiver.Diagnostics;
using WebhookLab.ServiceDefaults.Security;

namespace WebhookLab.Tests.Receiver;

// The receiver in process (TestServer) on a fresh SQLite file, with a known signing secret and API key, recording every
// log message it writes. The type argument is any public type of the receiver: both services have a global Program class.
public class ReceiverHost : WebApplicationFactory<ReceiverDiagnostics>
{
    public const string SigningSecret = "whsec_cmVjZWl2ZXItdGVzdHMtc2lnbmluZy1zZWNyZXQtMzJi";
    public const string ApiKey = "receiver-tests-api-key-5b0e7c2d9f";

    private readonly string _directory = Directory.CreateTempSubdirectory("webhooklab-receiver-").FullName;
    private readonly Dictionary<string, string?> _settings;

    public ReceiverHost()
        : this(new Dictionary<string, string?>())
    {
    }

    // Extra settings (e.g. Receiver:Chaos:*) on top of the test defaults. Over Kestrel (on 127.0.0.1) rather than the
    // in-memory TestServer when a test needs real connections, e.g. to see one closed without an answer.
    internal ReceiverHost(IReadOnlyDictionary<string, string?> settings, bool overKestrel = false)
    {
        if (overKestrel)
        {
            UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        }

        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:receiverdb"] = ConnectionString,
            ["Receiver:SigningSecrets:0"] = SigningSecret,
            ["Receiver:ApiKey"] = ApiKey,
        };
        foreach (var (key, value) in settings)
        {
            _settings[key] = value;
        }
    }

    public LogRecorder Logs { get; } = new();

    private string ConnectionString => $"Data Source={Path.Combine(_directory, "receiver.db")}";

    // A client that presents the API key, for the management APIs.
    public HttpClient CreateManagementClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeyEndpointFilter.HeaderName, ApiKey);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging
            .AddProvider(Logs)
            .AddFilter<LogRecorder>(null, LogLevel.Trace));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        using (var connection = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the temporary folder is left for the system to clean.
        }
    }
}

// The receiver over Kestrel on 127.0.0.1, as a class fixture (a fixture may have one public constructor only).
public sealed class KestrelReceiverHost() : ReceiverHost(new Dictionary<string, string?>(), overKestrel: true);
