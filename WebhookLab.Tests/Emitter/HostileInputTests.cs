using System.Net;
using System.Text;

namespace WebhookLab.Tests.Emitter;

// Hostile and malformed input against the emitter's API: each gets its documented error as problem details,
// and nothing in the store changes. SSRF cases run with private networks not allowed, as in production.
public sealed class HostileInputTests : IClassFixture<HostileInputTests.Host>
{
    private readonly Host _host;

    public HostileInputTests(Host host) => _host = host;

    public sealed class Host : IDisposable
    {
        public EmitterHost Emitter { get; } = new();

        public void Dispose() => Emitter.Dispose();
    }

    public static TheoryData<string, string, string, string?, HttpStatusCode> Cases() => new()
    {
        { "bad JSON", "POST", "/api/events", "{\"type\": \"a.b\", \"data\": {", HttpStatusCode.BadRequest },
        { "a JSON array", "POST", "/api/events", "[1, 2, 3]", HttpStatusCode.BadRequest },
        { "type is a number", "POST", "/api/events", "{\"type\": 42, \"data\": {}}", HttpStatusCode.BadRequest },
        { "type is empty", "POST", "/api/events", "{\"type\": \"\", \"data\": {}}", HttpStatusCode.BadRequest },
        { "type missing", "POST", "/api/events", "{\"data\": {}}", HttpStatusCode.BadRequest },
        { "type with unicode", "POST", "/api/events", "{\"type\": \"commande.créée\", \"data\": {}}", HttpStatusCode.BadRequest },
        { "type with CRLF header injection", "POST", "/api/events", "{\"type\": \"a.b\\r\\nX-Injected: 1\", \"data\": {}}", HttpStatusCode.BadRequest },
        { "type of 200 characters", "POST", "/api/events", $"{{\"type\": \"{new string('t', 200)}\", \"data\": {{}}}}", HttpStatusCode.BadRequest },
        { "data is a string", "POST", "/api/events", "{\"type\": \"a.b\", \"data\": \"x\"}", HttpStatusCode.BadRequest },
        { "data missing", "POST", "/api/events", "{\"type\": \"a.b\"}", HttpStatusCode.BadRequest },
        { "payload over 256 KiB", "POST", "/api/events", $"{{\"type\": \"a.b\", \"data\": {{\"x\": \"{new string('x', 300_000)}\"}}}}", HttpStatusCode.BadRequest },
        { "idempotency key is a number", "POST", "/api/events", "{\"type\": \"a.b\", \"data\": {}, \"idempotencyKey\": 5}", HttpStatusCode.BadRequest },
        { "idempotency key of 300 characters", "POST", "/api/events", $"{{\"type\": \"a.b\", \"data\": {{}}, \"idempotencyKey\": \"{new string('k', 300)}\"}}", HttpStatusCode.BadRequest },
        { "URL with ftp scheme", "POST", "/api/subscriptions", "{\"url\": \"ftp://example.com/hooks\"}", HttpStatusCode.BadRequest },
        { "relative URL", "POST", "/api/subscriptions", "{\"url\": \"/hooks\"}", HttpStatusCode.BadRequest },
        { "cloud metadata address", "POST", "/api/subscriptions", "{\"url\": \"http://169.254.169.254/latest/meta-data/\"}", HttpStatusCode.BadRequest },
        { "IPv6 loopback", "POST", "/api/subscriptions", "{\"url\": \"http://[::1]:8080/hooks\"}", HttpStatusCode.BadRequest },
        { "IPv4-mapped IPv6 loopback", "POST", "/api/subscriptions", "{\"url\": \"http://[::ffff:127.0.0.1]/hooks\"}", HttpStatusCode.BadRequest },
        { "unspecified address 0.0.0.0", "POST", "/api/subscriptions", "{\"url\": \"http://0.0.0.0:5000/hooks\"}", HttpStatusCode.BadRequest },
        { "decimal IPv4 form of loopback", "POST", "/api/subscriptions", "{\"url\": \"http://2130706433/hooks\"}", HttpStatusCode.BadRequest },
        { "octal IPv4 form of loopback", "POST", "/api/subscriptions", "{\"url\": \"http://0177.0.0.1/hooks\"}", HttpStatusCode.BadRequest },
        { "hexadecimal IPv4 form of loopback", "POST", "/api/subscriptions", "{\"url\": \"http://0x7f.0.0.1/hooks\"}", HttpStatusCode.BadRequest },
        { "private network address", "POST", "/api/subscriptions", "{\"url\": \"http://10.1.2.3/hooks\"}", HttpStatusCode.BadRequest },
        { "localhost by name", "POST", "/api/subscriptions", "{\"url\": \"http://localhost:5000/hooks\"}", HttpStatusCode.BadRequest },
        { "credentials in the URL", "POST", "/api/subscriptions", "{\"url\": \"https://user:pass@example.com/hooks\"}", HttpStatusCode.BadRequest },
        { "URL of 3000 characters", "POST", "/api/subscriptions", $"{{\"url\": \"https://example.com/{new string('a', 3000)}\"}}", HttpStatusCode.BadRequest },
        { "101 event types", "POST", "/api/subscriptions", $"{{\"url\": \"https://example.com/h\", \"eventTypes\": [{string.Join(',', Enumerable.Range(0, 101).Select(i => $"\"t.{i}\""))}]}}", HttpStatusCode.BadRequest },
        { "malformed secret", "POST", "/api/subscriptions", "{\"url\": \"https://example.com/h\", \"secret\": \"whsec_short\"}", HttpStatusCode.BadRequest },
        { "description of 2000 characters", "POST", "/api/subscriptions", $"{{\"url\": \"https://example.com/h\", \"description\": \"{new string('d', 2000)}\"}}", HttpStatusCode.BadRequest },
        { "url of the wrong type", "POST", "/api/subscriptions", "{\"url\": 12}", HttpStatusCode.BadRequest },
        { "order without customer", "POST", "/api/orders", "{\"amount\": 10}", HttpStatusCode.BadRequest },
        { "order with negative amount", "POST", "/api/orders", "{\"customer\": \"Ada\", \"amount\": -1}", HttpStatusCode.BadRequest },
        { "order amount as text", "POST", "/api/orders", "{\"customer\": \"Ada\", \"amount\": \"ten\"}", HttpStatusCode.BadRequest },
        { "unknown delivery status filter", "GET", "/api/deliveries?status=lost", null, HttpStatusCode.BadRequest },
        { "delivery page limit 0", "GET", "/api/deliveries?limit=0", null, HttpStatusCode.BadRequest },
        { "retry of an unknown delivery", "POST", "/api/deliveries/dlv_nope/retry", null, HttpStatusCode.NotFound },
        { "unknown subscription", "GET", "/api/subscriptions/sub_nope", null, HttpStatusCode.NotFound },
        { "delete of an unknown subscription", "DELETE", "/api/subscriptions/sub_nope", null, HttpStatusCode.NotFound },
        { "unknown event", "GET", "/api/events/msg_nope", null, HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task IsRejectedWithProblemDetailsAndChangesNothing(string what, string method, string path, string? body, HttpStatusCode expected)
    {
        using var client = _host.Emitter.CreateApiClient();
        var before = _host.Emitter.StoreFingerprint();

        using var response = await client.SendAsync(Request(method, path, body));

        Assert.True(expected == response.StatusCode, $"{what}: expected {expected}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, _host.Emitter.StoreFingerprint());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    [InlineData("test-emitter-api-key-123456789")]
    public async Task EveryManagementCallWithoutTheRightApiKeyGets401AndChangesNothing(string? apiKey)
    {
        using var client = _host.Emitter.CreateApiClient(apiKey);
        var before = _host.Emitter.StoreFingerprint();

        foreach (var (method, path, body) in new (string, string, string?)[]
        {
            ("POST", "/api/events", "{\"type\": \"a.b\", \"data\": {}}"),
            ("POST", "/api/orders", "{\"customer\": \"Ada\", \"amount\": 1}"),
            ("POST", "/api/subscriptions", "{\"url\": \"https://example.com/h\"}"),
            ("GET", "/api/subscriptions", null),
            ("GET", "/api/deliveries", null),
        })
        {
            using var response = await client.SendAsync(Request(method, path, body));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(before, _host.Emitter.StoreFingerprint());
        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static HttpRequestMessage Request(string method, string path, string? body) =>
        new(new HttpMethod(method), path)
        {
            Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
        };
}
