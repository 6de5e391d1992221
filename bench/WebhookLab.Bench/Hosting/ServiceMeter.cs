namespace WebhookLab.Bench.Hosting;

// One side's CPU and memory across a measurement, across restarts too: a stopped process's share is carried over.
internal sealed class ServiceMeter
{
    private double _baseline;
    private double _carried;
    private long _peak;
    private long _sampledMax;
    private long _anonMax;
    private long _fileMax;

    public void Begin(ProcessUsage? usage)
    {
        _baseline = usage?.CpuSeconds ?? 0;
        _carried = 0;
        _sampledMax = usage?.RssBytes ?? 0;
        _anonMax = usage?.AnonRssBytes ?? 0;
        _fileMax = usage?.FileRssBytes ?? 0;
        _peak = usage?.PeakRssBytes ?? 0;
    }

    public void Sample(ProcessUsage? usage)
    {
        if (usage is { } u)
        {
            _sampledMax = Math.Max(_sampledMax, u.RssBytes);
            _anonMax = Math.Max(_anonMax, u.AnonRssBytes);
            _fileMax = Math.Max(_fileMax, u.FileRssBytes);
            _peak = Math.Max(_peak, u.PeakRssBytes);
        }
    }

    // The process is about to stop: what it used so far is kept, and the next process of this side starts from zero.
    public void Stopping(ProcessUsage? usage)
    {
        Sample(usage);
        _carried += Math.Max(0, (usage?.CpuSeconds ?? _baseline) - _baseline);
        _baseline = 0;
    }

    public (double CpuSeconds, long PeakRss, long SampledMaxRss, long AnonMaxRss, long FileMaxRss) End(ProcessUsage? usage)
    {
        Sample(usage);
        var cpu = _carried + (usage is { } u ? Math.Max(0, u.CpuSeconds - _baseline) : 0);
        return (cpu, _peak, _sampledMax, _anonMax, _fileMax);
    }
}
