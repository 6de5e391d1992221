using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace WebhookLab.Tests.Receiver;

// Records one instrument of one host: meters of other hosts running in the same process have another scope.
public sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, object?>> _measurements = new();
    private readonly SemaphoreSlim _recorded = new(0);

    public MeasurementRecorder(IServiceProvider services, string instrumentName)
    {
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Name == instrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) => Record(tags));
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) => Record(tags));
        _listener.Start();
    }

    // The tags of each measurement, in order.
    public IReadOnlyCollection<IReadOnlyDictionary<string, object?>> Measurements => _measurements;

    // Returns once this many measurements (counted from the start) have been recorded.
    public async Task WaitForAsync(int count, TimeSpan timeout)
    {
        for (var i = 0; i < count; i++)
        {
            if (!await _recorded.WaitAsync(timeout))
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {count} measurements; saw {_measurements.Count}.");
            }
        }
    }

    private void Record(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue(copy);
        _recorded.Release();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _recorded.Dispose();
    }
}
