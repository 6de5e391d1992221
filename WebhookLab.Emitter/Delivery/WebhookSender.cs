using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using WebhookLab.Emitter.Data;
using WebhookLab.Emitter.Model;
using WebhookLab.Emitter.Options;
using WebhookLab.ServiceDefaults.Webhooks;

namespace WebhookLab.Emitter.Delivery;

public readonly record struct SendResult(int StatusCode, string? ResponseExcerpt, TimeSpan? RetryAfter)
{
    public bool IsSuccess => StatusCode is >= 200 and <= 299;
}

// One HTTP attempt of one delivery: the stored body, signed for this attempt's timestamp (Standard Webhooks v1).
public sealed class WebhookSender(IHttpClientFactory httpClientFactory, IOptions<DeliveryOptions> options, TimeProvider timeProvider)
{
    public const string HttpClientName = "webhooks";

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    public async Task<SendResult> SendAsync(Subscription subscription, ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url);
        request.Content = new ByteArrayContent(delivery.Body);
        request.Content.Headers.ContentType = JsonContentType;
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Id, delivery.EventId);
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Timestamp, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Signature,
            WebhookSigner.SignatureHeader(subscription.SigningSecrets(now), delivery.EventId, timestamp, delivery.Body));

        var client = httpClientFactory.CreateClient(HttpClientName);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return new SendResult((int)response.StatusCode, await ReadExcerptAsync(response, cancellationToken), RetryAfter(response, now));
    }

    // A throttled (429) or unavailable (503) receiver may say when to come back, as seconds or as a date.
    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
            || response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        return retryAfter.Delta ?? (retryAfter.Date is { } date ? date - now : null);
    }

    // Keeps the start of the receiver's answer for the attempt log; the rest is not read.
    private async Task<string?> ReadExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var limit = options.Value.ResponseExcerptBytes;
        if (limit == 0)
        {
            return null;
        }

        var buffer = new byte[limit];
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var read = 0;
        int count;
        while (read < limit && (count = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
        {
            read += count;
        }

        return read == 0 ? null : Encoding.UTF8.GetString(buffer, 0, read);
    }
}
