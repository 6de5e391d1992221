using System.Net;
using System.Text;
using WebhookLab.ServiceDefaults.Webhooks;
using static WebhookLab.Tests.Receiver.ReceiverRequests;

namespace WebhookLab.Tests.Receiver;

// Whatever a hostile or broken client sends gets problem details with the documented status, and changes nothing:
// no webhook stored, no chaos setting changed, no secret in any answer or log line.
public sealed class HostileInputTests(ReceiverHost receiver) : IClassFixture<ReceiverHost>
{
    private const int OneMebibyte = 1024 * 1024;
    private const string WrongApiKey = "not-the-receiver-api-key";

    private static readonly WebhookSecret ForeignSecret = WebhookSecret.Parse("whsec_Zm9yZWlnbi1rZXktdGhhdC10aGUtcmVjZWl2ZXItZG9lc250");

    private sealed record HostileInput(string Name, HttpStatusCode Expected, Func<HttpRequestMessage> Request);

    private static readonly HostileInput[] Inputs =
    [
        // The body (400), once the signature over it is valid.
        new("bad JSON", HttpStatusCode.BadRequest, () => Webhook("""{"type":"test.bad","data":""")),
        new("a JSON array body", HttpStatusCode.BadRequest, () => Webhook("""[{"type":"test.array"}]""")),
        new("JSON null body", HttpStatusCode.BadRequest, () => Webhook("null")),
        new("type as a number", HttpStatusCode.BadRequest, () => Webhook("""{"type":42,"data":{}}""")),
        new("empty type", HttpStatusCode.BadRequest, () => Webhook("""{"type":"","data":{}}""")),
        new("missing type", HttpStatusCode.BadRequest, () => Webhook("""{"data":{"n":1}}""")),
        new("type given twice", HttpStatusCode.BadRequest, () => Webhook("""{"type":"test.a","type":"test.b"}""")),

        // The size limit (413), checked first.
        new("body over 1 MiB", HttpStatusCode.RequestEntityTooLarge, () => Webhook(OversizedBody())),
        new("body over 1 MiB with a bad signature", HttpStatusCode.RequestEntityTooLarge,
            () => Webhook(OversizedBody(), secret: ForeignSecret)),
        new("Content-Length claiming 2 MiB for a small body", HttpStatusCode.RequestEntityTooLarge, () =>
        {
            var request = Webhook(Envelope());
            request.Content!.Headers.ContentLength = 2 * OneMebibyte;
            return request;
        }),

        // The headers and the signature (401), before the body is looked at.
        new("missing webhook-id", HttpStatusCode.Unauthorized, () => Webhook(Envelope()).Without(WebhookHeaders.Id)),
        new("missing webhook-timestamp", HttpStatusCode.Unauthorized, () => Webhook(Envelope()).Without(WebhookHeaders.Timestamp)),
        new("missing webhook-signature", HttpStatusCode.Unauthorized, () => Webhook(Envelope()).Without(WebhookHeaders.Signature)),
        new("non-numeric timestamp", HttpStatusCode.Unauthorized, () => Webhook(Envelope()).With(WebhookHeaders.Timestamp, "yesterday")),
        new("timestamp 10 minutes in the past", HttpStatusCode.Unauthorized, () => Webhook(Envelope(), age: TimeSpan.FromMinutes(10))),
        new("timestamp 10 minutes in the future", HttpStatusCode.Unauthorized, () => Webhook(Envelope(), age: TimeSpan.FromMinutes(-10))),
        new("signature made with another key", HttpStatusCode.Unauthorized, () => Webhook(Envelope(), secret: ForeignSecret)),
        new("only a v2 signature", HttpStatusCode.Unauthorized, () => Webhook(Envelope()).WithSignature(signature => "v2," + signature[3..])),
        new("truncated signature", HttpStatusCode.Unauthorized, () => Webhook(Envelope()).WithSignature(signature => signature[..^5])),
        new("empty signature", HttpStatusCode.Unauthorized, () => Webhook(Envelope()).With(WebhookHeaders.Signature, "")),
        new("body changed after signing", HttpStatusCode.Unauthorized, () =>
        {
            var request = Webhook(Envelope());
            request.Content = new StringContent(Envelope("test.tampered"), Encoding.UTF8, "application/json");
            return request;
        }),
        new("signature valid for another webhook-id (a replay under a new id)", HttpStatusCode.Unauthorized,
            () => Webhook(Envelope(), id: NewWebhookId(), signedId: NewWebhookId())),
        new("webhook-id of 256 characters", HttpStatusCode.Unauthorized, () => Webhook(Envelope(), id: new string('a', 256))),
        new("webhook-id of 256 characters with bad JSON (headers before body)", HttpStatusCode.Unauthorized,
            () => Webhook("{not json", id: new string('b', 256))),
        new("webhook-id with unicode", HttpStatusCode.Unauthorized, () => Webhook(Envelope(), id: "msg_héllo_wörld")),
        new("webhook-id with a percent-encoded header injection", HttpStatusCode.Unauthorized,
            () => Webhook(Envelope(), id: "msg_1%0d%0aX-Injected: 1")),
        new("webhook-id with a unicode line separator", HttpStatusCode.Unauthorized,
            () => Webhook(Envelope(), id: "msg_1\u2028X-Injected:\u20291")),
        new("webhook-id with a space", HttpStatusCode.Unauthorized, () => Webhook(Envelope(), id: "msg 1")),

        // The management API: the key first, then valid values.
        new("GET /api/received without the API key", HttpStatusCode.Unauthorized, () => Get("/api/received")),
        new("GET /api/received with a wrong API key", HttpStatusCode.Unauthorized, () => Get("/api/received", WrongApiKey)),
        new("GET /api/received with the API key in another case", HttpStatusCode.Unauthorized,
            () => Get("/api/received", ReceiverHost.ApiKey.ToUpperInvariant())),
        new("GET /api/received/{id} with a wrong API key", HttpStatusCode.Unauthorized, () => Get("/api/received/msg_1", WrongApiKey)),
        new("GET /api/orders without the API key", HttpStatusCode.Unauthorized, () => Get("/api/orders")),
        new("GET /api/stats without the API key", HttpStatusCode.Unauthorized, () => Get("/api/stats")),
        new("GET /api/chaos without the API key", HttpStatusCode.Unauthorized, () => Get("/api/chaos")),
        new("POST /api/chaos without the API key", HttpStatusCode.Unauthorized, () => PostJson("/api/chaos", """{"down":true}""")),
        new("POST /api/chaos with a wrong API key", HttpStatusCode.Unauthorized,
            () => PostJson("/api/chaos", """{"failureRate":1}""", WrongApiKey)),
        new("POST /api/chaos with failureRate 2", HttpStatusCode.BadRequest,
            () => PostJson("/api/chaos", """{"failureRate":2,"down":true}""", ReceiverHost.ApiKey)),
        new("POST /api/chaos with statusCode 200", HttpStatusCode.BadRequest,
            () => PostJson("/api/chaos", """{"failureRate":1,"statusCode":200}""", ReceiverHost.ApiKey)),
        new("POST /api/chaos with a negative latencyMs", HttpStatusCode.BadRequest,
            () => PostJson("/api/chaos", """{"latencyMs":-1}""", ReceiverHost.ApiKey)),
        new("POST /api/chaos with latencyMs as text", HttpStatusCode.BadRequest,
            () => PostJson("/api/chaos", """{"latencyMs":"slow","down":true}""", ReceiverHost.ApiKey)),
        new("POST /api/chaos with a JSON array", HttpStatusCode.BadRequest,
            () => PostJson("/api/chaos", """[{"down":true}]""", ReceiverHost.ApiKey)),
    ];

    public static TheoryData<string> InputNames => new(Inputs.Select(input => input.Name));

    [Theory]
    [MemberData(nameof(InputNames))]
    public async Task HostileOrMalformedInputGetsProblemDetailsAndChangesNothing(string name)
    {
        var input = Inputs.Single(candidate => candidate.Name == name);
        using var client = receiver.CreateClient();
        using var management = receiver.CreateManagementClient();
        var before = await SnapshotAsync(management);

        using var response = await client.SendAsync(input.Request());

        await AssertProblemAsync(response, input.Expected);
        Assert.Equal(before, await SnapshotAsync(management));
    }

    [Fact]
    public async Task NoSecretOrApiKeyReachesALogLineOrAnAnswer()
    {
        using var client = receiver.CreateClient();
        using var management = receiver.CreateManagementClient();
        var answers = new List<string>();
        foreach (var input in Inputs)
        {
            using var response = await client.SendAsync(input.Request());
            answers.Add(await response.Content.ReadAsStringAsync());
            answers.Add(response.Headers.ToString());
        }

        // The management API answered with the right key too, and a valid webhook went through.
        using (var stored = await client.SendAsync(Webhook(Envelope())))
        {
            Assert.Equal(HttpStatusCode.NoContent, stored.StatusCode);
        }

        answers.Add(await management.GetStringAsync("/api/received"));
        answers.Add(await management.GetStringAsync("/api/chaos"));
        answers.Add(await management.GetStringAsync("/api/stats"));

        var logs = receiver.Logs.Entries.ToArray();
        Assert.Contains(logs, entry => entry.Contains("rejected", StringComparison.Ordinal));
        string[] secrets = [ReceiverHost.SigningSecret, ReceiverHost.SigningSecret[WebhookSecret.Prefix.Length..], ReceiverHost.ApiKey];
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(logs, entry => entry.Contains(secret, StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(answers, answer => answer.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }

        // A webhook-id that breaks the limits is never written into a log line either.
        Assert.DoesNotContain(logs, entry => entry.Contains("X-Injected", StringComparison.Ordinal) || entry.Contains('\u2028'));
    }

    // What a hostile request must not change: the stored webhooks (all of them, as the API shows them) and the chaos settings.
    private static async Task<(long Accepted, long Duplicates, string Received, string Chaos)> SnapshotAsync(HttpClient management)
    {
        var stats = await management.StatsAsync();
        return (stats.Accepted, stats.Duplicates, await management.GetStringAsync("/api/received?limit=1000"), await management.GetStringAsync("/api/chaos"));
    }

    private static byte[] OversizedBody() =>
        Encoding.UTF8.GetBytes($$"""{"type":"test.large","data":"{{new string('x', OneMebibyte)}}"}""");
}
