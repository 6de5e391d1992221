using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace WebhookLab.Bench.Load;

// Publishes events to the emitter's API, either as fast as a number of concurrent publishers can (closed loop) or at a
// fixed rate whatever the answers take (open loop, with a bound on the requests in flight).
public sealed class EventPublisher(HttpClient emitter, PayloadFactory payloads, PublishMode mode, int batchSize, PublishCounter counter)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);
    private long _sequence;

    public PublishCounter Counter => counter;

    private int EventsPerRequest => mode == PublishMode.Single ? 1 : batchSize;

    public async Task PublishAsync(string type, long count, int publishers, CancellationToken cancellationToken)
    {
        var remaining = count;
        async Task PublisherAsync()
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var take = EventsPerRequest;
                var left = Interlocked.Add(ref remaining, -take);
                var events = left >= 0 ? take : take + (int)left;
                if (events <= 0)
                {
                    return;
                }

                await SendAsync(type, events, cancellationToken);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, publishers).Select(_ => Task.Run(PublisherAsync, cancellationToken)));
    }

    public async Task PublishAtRateAsync(string type, double eventsPerSecond, TimeSpan duration, int maxInFlight, CancellationToken cancellationToken)
    {
        using var inFlight = new SemaphoreSlim(maxInFlight, maxInFlight);
        var requests = new List<Task>();
        var clock = Stopwatch.StartNew();
        long sent = 0;
        using var timer = new PeriodicTimer(Tick);
        // Rate pacing: every tick sends what the rate allows by now, so a slow answer does not slow the offered load.
        while (clock.Elapsed < duration && await timer.WaitForNextTickAsync(cancellationToken))
        {
            var due = (long)(eventsPerSecond * Math.Min(clock.Elapsed.TotalSeconds, duration.TotalSeconds)) - sent;
            while (due > 0)
            {
                var events = (int)Math.Min(due, EventsPerRequest);
                due -= events;
                sent += events;
                await inFlight.WaitAsync(cancellationToken);
                requests.Add(SendAndReleaseAsync(type, events, inFlight, cancellationToken));
            }

            requests.RemoveAll(t => t.IsCompleted);
        }

        await Task.WhenAll(requests);
    }

    private async Task SendAndReleaseAsync(string type, int events, SemaphoreSlim inFlight, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(type, events, cancellationToken);
        }
        finally
        {
            inFlight.Release();
        }
    }

    private async Task SendAsync(string type, int events, CancellationToken cancellationToken)
    {
        var first = Interlocked.Add(ref _sequence, events) - events;
        var single = mode == PublishMode.Single;
        using var content = new ByteArrayContent(single ? payloads.Single(type, first) : payloads.Batch(type, first, events));
        content.Headers.ContentType = Json;
        try
        {
            using var response = await emitter.PostAsync(single ? "api/events" : "api/events/batch", content, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                counter.Fail(events, $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                return;
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var answer = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            counter.Add(single
                ? [answer.RootElement.GetProperty("id").GetString()!]
                : answer.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToList());
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or JsonException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            counter.Fail(events, exception.Message);
        }
    }
}
