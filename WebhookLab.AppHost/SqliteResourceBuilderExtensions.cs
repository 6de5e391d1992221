using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class SqliteResourceBuilderExtensions
{
    // Adds a SQLite database file in `directory` (created if missing), shown in the dashboard as running with its path.
    public static IResourceBuilder<SqliteDatabaseResource> AddSqliteDatabase(this IDistributedApplicationBuilder builder, string name, string directory)
    {
        var path = Path.GetFullPath(Path.Combine(directory, $"{name}.db"));
        var resource = new SqliteDatabaseResource(name, path);

        builder.Eventing.Subscribe<InitializeResourceEvent>(resource, async (@event, cancellationToken) =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await @event.Eventing.PublishAsync(new ConnectionStringAvailableEvent(resource, @event.Services), cancellationToken);
            await @event.Notifications.PublishUpdateAsync(resource, state => state with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
        });

        return builder.AddResource(resource)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "SQLite",
                State = KnownResourceStates.NotStarted,
                Properties = [new ResourcePropertySnapshot(CustomResourceKnownProperties.Source, path)],
            });
    }
}
