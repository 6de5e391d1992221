using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebhookLab.ServiceDefaults.Webhooks;

namespace WebhookLab.Tests.Receiver;

// Webhook requests signed as the emitter signs them, and the small changes that make them hostile.
internal static class ReceiverRequests
{
    public static readonly WebhookSecret Secret = WebhookSecret.Parse(ReceiverHost.SigningSecret);

    public static string NewWebhookId() => $"msg_{Guid.NewGuid():N}";

    public static string Envelope(string type = "test.received") =>
        $$$"""{"type":"{{{type}}}","timestamp":"2026-12-04T12:00:00Z","data":{"n":1}}""";

    // Signed with the receiver's secret over exactly these bytes; each argument changes one thing.
    public static HttpRequestMessage Webhook(
        string body, string? id = null, TimeSpan? age = null, WebhookSecret? secret = null, string? signedId = null) =>
        Webhook(Encoding.UTF8.GetBytes(body), id, age, secret, signedId);

    public static HttpRequestMessage Webhook(
        byte[] body, string? id = null, TimeSpan? age = null, WebhookSecret? secret = null, string? signedId = null)
    {
        id ??= NewWebhookId();
        var timestamp = (TimeProvider.System.GetUtcNow() - (age ?? TimeSpan.Zero)).ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        // Without validation, so ids the HTTP stack would refuse still reach the receiver's own checks.
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Id, id);
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Timestamp, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Signature, WebhookSigner.Sign(secret ?? Secret, signedId ?? id, timestamp, body));
        return request;
    }

    public static HttpRequestMessage Without(this HttpRequestMessage request, string header)
    {
        request.Headers.Remove(header);
        return request;
    }

    public static HttpRequestMessage With(this HttpRequestMessage request, string header, string value)
    {
        request.Headers.Remove(header);
        request.Headers.TryAddWithoutValidation(header, value);
        return request;
    }

    public static HttpRequestMessage WithSignature(this HttpRequestMessage request, Func<string, string> change) =>
        request.With(WebhookHeaders.Signature, change(request.Headers.GetValues(WebhookHeaders.Signature).Single()));

    public static HttpRequestMessage Get(string path, string? apiKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        return request;
    }

    public static HttpRequestMessage PostJson(string path, string json, string? apiKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        return request;
    }

    public static async Task<ChaosView> SetChaosAsync(this HttpClient management, string json)
    {
        using var response = await management.SendAsync(PostJson("/api/chaos", json));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ChaosView>())!;
    }

    public static async Task<StatsView> StatsAsync(this HttpClient management) =>
        (await management.GetFromJsonAsync<StatsView>("/api/stats"))!;

    public static async Task<bool> IsStoredAsync(this HttpClient management, string webhookId)
    {
        using var response = await management.GetAsync($"/api/received/{Uri.EscapeDataString(webhookId)}");
        return response.StatusCode == HttpStatusCode.OK;
    }

    // The answer is RFC 9457 problem details with the expected status.
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonElement.Parse(body);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }
}

// The receiver's answers as a client reads them (the wire contract, not the receiver's own types).
public sealed record ChaosView(double FailureRate, int LatencyMs, int StatusCode, bool Down, int? RetryAfterSeconds);

public sealed record StatsView(long Accepted, long Duplicates, long Processed, long Pending, RejectedView Rejected, DateTime RejectedSince);

public sealed record RejectedView(long InvalidSignature, long Expired, long Malformed, long TooLarge);
