namespace WebhookLab.Bench.Load;

// What the publishers got back: the id of every accepted event, and the events whose request failed.
public sealed class PublishCounter
{
    private readonly Lock _lock = new();
    private readonly List<string> _ids = [];
    private long _accepted;
    private long _failed;
    private long _lastAcceptedAt;

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Failed => Interlocked.Read(ref _failed);

    // Unix milliseconds of the last 202 answer.
    public long LastAcceptedAt => Interlocked.Read(ref _lastAcceptedAt);

    public string? FirstError { get; private set; }

    public IReadOnlyList<string> Ids
    {
        get
        {
            lock (_lock)
            {
                return [.. _ids];
            }
        }
    }

    public void Add(IReadOnlyList<string> ids)
    {
        lock (_lock)
        {
            _ids.AddRange(ids);
        }

        Interlocked.Add(ref _accepted, ids.Count);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long last;
        while ((last = Interlocked.Read(ref _lastAcceptedAt)) < now && Interlocked.CompareExchange(ref _lastAcceptedAt, now, last) != last)
        {
        }
    }

    public void Fail(int events, string reason)
    {
        Interlocked.Add(ref _failed, events);
        lock (_lock)
        {
            FirstError ??= reason;
        }
    }
}
