using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WebhookLab.ServiceDefaults.Sqlite;

// Healthy when the database answers a query and its writer loop is alive.
internal sealed class SqliteHealthCheck(SqliteDatabase database) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var connection = database.OpenConnection();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1;";
            command.ExecuteScalar();
        }
        catch (Exception exception)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, "The database does not answer.", exception));
        }

        return Task.FromResult(database.Writer.IsRunning
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(context.Registration.FailureStatus, "The database writer has stopped."));
    }
}
