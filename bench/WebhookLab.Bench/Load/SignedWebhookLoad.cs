using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using HdrHistogram;
using WebhookLab.ServiceDefaults.Webhooks;

namespace WebhookLab.Bench.Load;

public sealed record SignedLoadOutcome(long Succeeded, long Failed, long MeasuredSucceeded, double MeasuredSeconds, LongHistogram RequestMicroseconds, string? FirstError);

// The ceiling: signed Standard Webhooks POSTs straight to the receiver, with nothing stored on the sending side.
public sealed class SignedWebhookLoad(HttpClient webhooks, WebhookSecret secret, byte[] body)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public long Succeeded => Interlocked.Read(ref _succeeded);

    private long _succeeded;

    // Requests finished during the warm-up are sent and stored but not counted in the rate.
    public async Task<SignedLoadOutcome> RunAsync(string run, TimeSpan warmUp, TimeSpan duration, int concurrency, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var end = warmUp + duration;
        long failed = 0, measured = 0;
        string? firstError = null;
        var histograms = new LongHistogram[concurrency];

        async Task WorkerAsync(int worker)
        {
            var histogram = histograms[worker] = new LongHistogram(60_000_000, 3);
            for (var n = 0; clock.Elapsed < end && !cancellationToken.IsCancellationRequested; n++)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"msg_ceiling{run}x{worker:D4}x{n:D9}");
                var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                using var request = new HttpRequestMessage(HttpMethod.Post, "webhooks") { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = Json;
                request.Headers.TryAddWithoutValidation(WebhookHeaders.Id, id);
                request.Headers.TryAddWithoutValidation(WebhookHeaders.Timestamp, timestamp.ToString(CultureInfo.InvariantCulture));
                request.Headers.TryAddWithoutValidation(WebhookHeaders.Signature, WebhookSigner.Sign(secret, id, timestamp, body));
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await webhooks.SendAsync(request, cancellationToken);
                    if (response.StatusCode == HttpStatusCode.NoContent)
                    {
                        Interlocked.Increment(ref _succeeded);
                        if (clock.Elapsed >= warmUp)
                        {
                            Interlocked.Increment(ref measured);
                            histogram.RecordValue(Math.Min(60_000_000, (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds));
                        }
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                        Interlocked.CompareExchange(ref firstError, $"HTTP {(int)response.StatusCode}", null);
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or IOException
                    || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, exception.Message, null);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(() => WorkerAsync(w), cancellationToken)));
        var measuredSeconds = Math.Max(0.001, clock.Elapsed.TotalSeconds - warmUp.TotalSeconds);
        var all = new LongHistogram(60_000_000, 3);
        foreach (var histogram in histograms.Where(h => h is not null))
        {
            all.Add(histogram);
        }

        return new SignedLoadOutcome(Interlocked.Exchange(ref _succeeded, 0), failed, measured, measuredSeconds, all, firstError);
    }
}
