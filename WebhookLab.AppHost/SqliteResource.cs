namespace Aspire.Hosting.ApplicationModel;

// A SQLite database file. The services open it themselves; the AppHost owns where it lives and hands out its connection string.
public sealed class SqliteDatabaseResource(string name, string databasePath) : Resource(name), IResourceWithConnectionString
{
    public string DatabasePath { get; } = databasePath;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Data Source={DatabasePath}");
}
