using WebhookLab.Bench;
using WebhookLab.Bench.Hosting;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception exception) when (exception is ArgumentException or HelpRequestedException)
{
    Console.Error.WriteLine(exception is HelpRequestedException ? BenchOptions.Usage : $"{exception.Message}{Environment.NewLine}{Environment.NewLine}{BenchOptions.Usage}");
    return exception is HelpRequestedException ? 0 : 2;
}

// Ctrl+C or SIGTERM ends the run; the runner's finally and the process-exit hook kill every service process.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

try
{
    var result = await new BenchmarkRunner(options).RunAsync(stop.Token);
    // Speeds never fail the run; a correctness check does.
    return result.AllCorrect ? 0 : 1;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine("Stopped.");
    return 130;
}
finally
{
    ChildProcesses.KillAll();
}
