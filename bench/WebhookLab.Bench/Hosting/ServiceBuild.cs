namespace WebhookLab.Bench.Hosting;

// The emitter and receiver as the bench runs them: Release builds in folders of their own, so a rebuild in the
// repository while the bench runs cannot swap the binaries under a running (or restarting) service.
public sealed record ServiceBinaries(string EmitterDll, string ReceiverDll)
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);

    public static ServiceBinaries In(string directory) => new(
        Path.Combine(directory, "emitter", "WebhookLab.Emitter.dll"),
        Path.Combine(directory, "receiver", "WebhookLab.Receiver.dll"));

    public static async Task<ServiceBinaries> BuildAsync(string repositoryRoot, string outputDirectory, Action<string> log, CancellationToken cancellationToken)
    {
        var binaries = In(outputDirectory);
        foreach (var (project, dll) in new[] { ("WebhookLab.Emitter", binaries.EmitterDll), ("WebhookLab.Receiver", binaries.ReceiverDll) })
        {
            var projectFile = Path.Combine(repositoryRoot, project, project + ".csproj");
            string[] arguments = ["build", projectFile, "-c", "Release", "-o", Path.GetDirectoryName(dll)!, "-v", "q", "-nologo", "-clp:ErrorsOnly"];
            log($"Building {project} (Release)");
            var (exitCode, output) = await DotnetCommand.RunAsync(arguments, repositoryRoot, BuildTimeout, cancellationToken);
            if (exitCode != 0)
            {
                // Another build of the same projects may have held a file for a moment: once more before giving up.
                log($"Building {project} failed (exit {exitCode}); trying once more");
                (exitCode, output) = await DotnetCommand.RunAsync(arguments, repositoryRoot, BuildTimeout, cancellationToken);
            }

            if (exitCode != 0 || !File.Exists(dll))
            {
                throw new InvalidOperationException($"dotnet build of {project} failed (exit {exitCode}):{Environment.NewLine}{Tail(output, 40)}");
            }
        }

        return binaries;
    }

    private static string Tail(string text, int lines) =>
        string.Join(Environment.NewLine, text.Split('\n').TakeLast(lines));
}
