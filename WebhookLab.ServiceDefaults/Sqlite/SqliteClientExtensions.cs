using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WebhookLab.ServiceDefaults.Sqlite;

namespace Microsoft.Extensions.Hosting;

// The SQLite client integration: what Aspire's AddSqliteConnection does, plus one group-commit writer per database.
public static class SqliteClientExtensions
{
    public static IHostApplicationBuilder AddSqliteConnection(this IHostApplicationBuilder builder, string connectionName, Action<SqliteClientSettings>? configureSettings = null)
    {
        var settings = new SqliteClientSettings();
        builder.Configuration.GetSection($"Sqlite:{connectionName}").Bind(settings);
        settings.ConnectionString = builder.Configuration.GetConnectionString(connectionName) ?? settings.ConnectionString;
        configureSettings?.Invoke(settings);

        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is missing: give the SQLite database, e.g. 'Data Source=data/{connectionName}.db'.");
        }

        builder.Services.AddSingleton(_ => new SqliteDatabase(settings));
        // As Aspire's integration does: a connection per scope, here already open with the database's settings.
        builder.Services.AddScoped<SqliteConnection>(sp => sp.GetRequiredService<SqliteDatabase>().OpenConnection());

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks()
                .AddCheck<SqliteHealthCheck>($"sqlite-{connectionName}", tags: ["ready"]);
        }

        return builder;
    }
}
