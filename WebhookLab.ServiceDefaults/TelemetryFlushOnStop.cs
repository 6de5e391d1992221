using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace WebhookLab.ServiceDefaults;

// Flushes traces, metrics and logs once when the host stops, within a bound. Left to disposal, an exporter whose
// collector is gone retries each signal for its full timeout, one after the other, and a stop that should take
// a moment takes long enough for an orchestrator to give up on it.
internal sealed class TelemetryFlushOnStop(IServiceProvider services) : IHostedService
{
    private const int FlushMilliseconds = 2000;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        var providers = new List<BaseProvider>();
        if (services.GetService<TracerProvider>() is { } tracer)
        {
            providers.Add(tracer);
        }

        if (services.GetService<MeterProvider>() is { } meter)
        {
            providers.Add(meter);
        }

        if (services.GetService<LoggerProvider>() is { } logger)
        {
            providers.Add(logger);
        }

        return Task.WhenAll(providers.Select(provider => Task.Run(() => Shutdown(provider), CancellationToken.None)));
    }

    private static void Shutdown(BaseProvider provider)
    {
        switch (provider)
        {
            case TracerProvider tracer:
                tracer.Shutdown(FlushMilliseconds);
                break;
            case MeterProvider meter:
                meter.Shutdown(FlushMilliseconds);
                break;
            case LoggerProvider logger:
                logger.Shutdown(FlushMilliseconds);
                break;
        }
    }
}
