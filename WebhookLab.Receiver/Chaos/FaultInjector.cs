using System.Globalization;
using Microsoft.Extensions.Options;
using WebhookLab.Receiver.Diagnostics;
using WebhookLab.Receiver.Options;

namespace WebhookLab.Receiver.Chaos;

// Produces outages, slow answers and failures on demand at POST /webhooks, so the emitter's retries can be watched.
public sealed class FaultInjector
{
    private readonly TimeProvider _timeProvider;
    private readonly ReceiverDiagnostics _diagnostics;
    private readonly ILogger<FaultInjector> _logger;
    private ChaosSettings _settings;

    public FaultInjector(IOptions<ChaosOptions> options, TimeProvider timeProvider, ReceiverDiagnostics diagnostics, ILogger<FaultInjector> logger)
    {
        _timeProvider = timeProvider;
        _diagnostics = diagnostics;
        _logger = logger;
        _settings = ChaosSettings.From(options.Value);
        if (!_settings.IsOff)
        {
            LogSettings(_settings, fromConfiguration: true);
        }
    }

    public ChaosSettings Settings => Volatile.Read(ref _settings);

    public ChaosSettings Replace(ChaosSettings settings)
    {
        Interlocked.Exchange(ref _settings, settings);
        LogSettings(settings, fromConfiguration: false);
        return settings;
    }

    // Null when the request is to be handled normally; otherwise the answer to give instead (none once the connection is aborted).
    public async Task<IResult?> InjectAsync(HttpContext context)
    {
        var settings = Settings;
        if (settings.IsOff)
        {
            return null;
        }

        if (settings.Down)
        {
            _diagnostics.FaultInjected(ChaosFault.Down);
            _logger.FaultInjected(ChaosFault.Down);
            context.Abort();
            return Results.Empty;
        }

        if (settings.LatencyMs > 0)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(settings.LatencyMs), _timeProvider, context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client gave up waiting: there is no one left to answer.
                return Results.Empty;
            }
        }

        // NextDouble is below 1, so a rate of 1 fails every request and a rate of 0 none.
        if (Random.Shared.NextDouble() < settings.FailureRate)
        {
            _diagnostics.FaultInjected(ChaosFault.Failure);
            _logger.FaultInjected(ChaosFault.Failure);
            if (settings.RetryAfterSeconds is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            }

            return TypedResults.Problem(
                statusCode: settings.StatusCode,
                title: "Simulated failure",
                detail: "The receiver's chaos settings failed this request on purpose; nothing was stored.");
        }

        return null;
    }

    private void LogSettings(ChaosSettings settings, bool fromConfiguration)
    {
        var retryAfter = settings.RetryAfterSeconds?.ToString(CultureInfo.InvariantCulture) ?? "none";
        if (fromConfiguration)
        {
            _logger.ChaosConfigured(settings.FailureRate, settings.LatencyMs, settings.StatusCode, settings.Down, retryAfter);
        }
        else
        {
            _logger.ChaosChanged(settings.FailureRate, settings.LatencyMs, settings.StatusCode, settings.Down, retryAfter);
        }
    }
}
