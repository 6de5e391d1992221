using System.Diagnostics;
using System.Runtime.InteropServices;

namespace WebhookLab.Bench.Hosting;

// What it takes to start one service: `dotnet <dll> --urls http://127.0.0.1:<port>` with its environment.
public sealed record ServiceLaunch(string Name, string Dll, int Port, IReadOnlyDictionary<string, string> Environment, string LogDirectory);

// One service process: started, waited on until healthy, measured from /proc, and stopped (or killed) for sure.
public sealed class ProcessHost : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);
    private static readonly string[] InheritedPrefixes =
        ["OTEL_", "ASPNETCORE_", "DOTNET_ENVIRONMENT", "Emitter__", "Receiver__", "ConnectionStrings__", "Sqlite__", "Logging__"];

    private static int _starts;

    private readonly Process _process;
    private readonly Task _logs;

    private ProcessHost(ServiceLaunch launch, Process process, Task logs, string logPath)
    {
        Launch = launch;
        _process = process;
        _logs = logs;
        LogPath = logPath;
    }

    public ServiceLaunch Launch { get; }

    public int Id => _process.Id;

    public Uri BaseAddress => new($"http://127.0.0.1:{Launch.Port}/");

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    public ProcessUsage? Usage() => HasExited ? null : ProcessUsage.Read(Id);

    public static async Task<ProcessHost> StartAsync(ServiceLaunch launch, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(DotnetCommand.Host)
        {
            // The content root, where appsettings.json is read from, is the working directory.
            WorkingDirectory = Path.GetDirectoryName(launch.Dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(launch.Dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{launch.Port}");

        // Only the settings given here: nothing from the bench's own environment (no OTLP exporter, no other database).
        foreach (var name in start.Environment.Keys.Where(k => InheritedPrefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in launch.Environment)
        {
            start.Environment[name] = value;
        }

        Directory.CreateDirectory(launch.LogDirectory);
        var logPath = Path.Combine(launch.LogDirectory, $"{launch.Name}-{Interlocked.Increment(ref _starts)}.log");
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{launch.Name} did not start.");
        ChildProcesses.Track(process);
        var log = new FileStream(logPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
        var logs = CopyOutputAsync(process, log);
        var host = new ProcessHost(launch, process, logs, logPath);
        try
        {
            await host.WaitUntilHealthyAsync(cancellationToken);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private static async Task CopyOutputAsync(Process process, FileStream log)
    {
        await using (log)
        {
            // Both streams into one file; lines may interleave, which is fine for a log read after the fact.
            var gate = new SemaphoreSlim(1, 1);
            async Task Pump(Stream source)
            {
                var buffer = new byte[16 * 1024];
                int read;
                while ((read = await source.ReadAsync(buffer)) > 0)
                {
                    await gate.WaitAsync();
                    try
                    {
                        await log.WriteAsync(buffer.AsMemory(0, read));
                        await log.FlushAsync();
                    }
                    finally
                    {
                        gate.Release();
                    }
                }
            }

            await Task.WhenAll(Pump(process.StandardOutput.BaseStream), Pump(process.StandardError.BaseStream));
        }
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Launch.Name} exited with code {_process.ExitCode} while starting; see {LogPath}:{Environment.NewLine}{LogTail()}");
            }

            try
            {
                using var response = await client.GetAsync("health", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        throw new TimeoutException($"{Launch.Name} was not healthy within {StartTimeout.TotalSeconds:0} s; see {LogPath}:{Environment.NewLine}{LogTail()}");
    }

    public string LogTail(int lines = 30)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return string.Join(Environment.NewLine, reader.ReadToEnd().Split('\n').TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    // A graceful stop (SIGTERM, as an orchestrator stops a service), then a kill if it takes longer than the grace period.
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, SigTerm);
            using var grace = new CancellationTokenSource(StopGrace);
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                ChildProcesses.Kill(_process);
            }
        }

        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        ChildProcesses.Kill(_process);
        using var wait = new CancellationTokenSource(StopGrace);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            await _logs.WaitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            // Logged output stops here; the process was killed.
        }

        ChildProcesses.Forget(_process);
        _process.Dispose();
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
