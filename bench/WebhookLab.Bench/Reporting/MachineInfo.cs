using System.Runtime.InteropServices;
using WebhookLab.Bench.Hosting;

namespace WebhookLab.Bench.Reporting;

// The machine and the code the figures belong to.
public sealed record MachineInfo(
    int Cores, long MemoryBytes, string CpuModel, string Os, string Kernel, string Runtime, string Sdk, string TempStorage,
    string GitCommit, IReadOnlyList<string> UncommittedServiceFiles)
{
    public static async Task<MachineInfo> ReadAsync(string repositoryRoot, string workDirectory, CancellationToken cancellationToken)
    {
        var (_, sdk) = await DotnetCommand.RunAsync(["--version"], repositoryRoot, TimeSpan.FromSeconds(30), cancellationToken);
        return new MachineInfo(
            Environment.ProcessorCount,
            MemoryTotal(),
            FirstValue("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
            (FirstValue("/etc/os-release", "PRETTY_NAME", '=') ?? RuntimeInformation.OSDescription).Trim('"'),
            File.Exists("/proc/sys/kernel/osrelease") ? "Linux " + File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            sdk.Trim(),
            Storage(workDirectory),
            await GitAsync(repositoryRoot, "rev-parse --short HEAD", cancellationToken),
            (await GitAsync(repositoryRoot, "status --porcelain -- WebhookLab.Emitter WebhookLab.Receiver WebhookLab.ServiceDefaults", cancellationToken))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static long MemoryTotal() =>
        FirstValue("/proc/meminfo", "MemTotal") is { } total && long.TryParse(total.Split(' ')[0], out var kb) ? kb * 1024 : 0;

    private static string? FirstValue(string path, string key, char separator = ':')
    {
        if (!File.Exists(path))
        {
            return null;
        }

        return File.ReadLines(path)
            .Select(line => line.Split(separator, 2))
            .Where(parts => parts.Length == 2 && parts[0].Trim() == key)
            .Select(parts => parts[1].Trim())
            .FirstOrDefault();
    }

    // The file system the SQLite files are on: fsync costs differ a lot between tmpfs, overlay and a real disk.
    private static string Storage(string directory)
    {
        if (!File.Exists("/proc/mounts"))
        {
            return directory;
        }

        var mount = File.ReadLines("/proc/mounts")
            .Select(line => line.Split(' '))
            .Where(parts => parts.Length > 2 && (directory + "/").StartsWith(parts[1].TrimEnd('/') + "/", StringComparison.Ordinal))
            .MaxBy(parts => parts[1].Length);
        return mount is null ? directory : $"{directory} on {mount[2]} ({mount[0]} mounted at {mount[1]})";
    }

    private static async Task<string> GitAsync(string repositoryRoot, string arguments, CancellationToken cancellationToken)
    {
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo("git", arguments)
            {
                WorkingDirectory = repositoryRoot,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var git = System.Diagnostics.Process.Start(start)!;
            var output = await git.StandardOutput.ReadToEndAsync(cancellationToken);
            await git.WaitForExitAsync(cancellationToken);
            return output.Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "";
        }
    }
}
