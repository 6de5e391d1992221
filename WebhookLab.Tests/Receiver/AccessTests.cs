using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookLab.ServiceDefaults.Security;
using static WebhookLab.Tests.Receiver.ReceiverRequests;

namespace WebhookLab.Tests.Receiver;

// Who may call what: the management API needs the key; webhooks (authenticated by signature) and health probes do not.
public sealed class AccessTests(ReceiverHost receiver) : IClassFixture<ReceiverHost>
{
    private static readonly string[] ManagementPaths = ["/api/received", "/api/received/msg_unknown", "/api/orders", "/api/stats", "/api/chaos"];

    [Fact]
    public async Task TheManagementApiNeedsTheKeyWhileWebhooksAndHealthProbesStayOpen()
    {
        using var client = receiver.CreateClient();
        using var management = receiver.CreateManagementClient();

        foreach (var path in ManagementPaths)
        {
            using var withoutKey = await client.GetAsync(path);
            var problem = await AssertProblemAsync(withoutKey, HttpStatusCode.Unauthorized);
            Assert.Equal("API key required", problem.GetProperty("title").GetString());

            using var withKey = await management.GetAsync(path);
            Assert.NotEqual(HttpStatusCode.Unauthorized, withKey.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);
        using var webhook = await client.SendAsync(Webhook(Envelope()));
        Assert.Equal(HttpStatusCode.NoContent, webhook.StatusCode);
    }

    [Fact]
    public async Task AWebhookIdOf255PrintableAsciiCharactersIsAccepted()
    {
        // Every printable ASCII character from '!' to '~', repeated to the limit, with a unique start.
        var printable = string.Concat(Enumerable.Range(0x21, 0x7E - 0x21 + 1).Select(code => (char)code));
        var prefix = NewWebhookId();
        var webhookId = prefix + string.Concat(Enumerable.Repeat(printable, 3))[..(255 - prefix.Length)];
        using var client = receiver.CreateClient();
        using var management = receiver.CreateManagementClient();

        using var response = await client.SendAsync(Webhook(Envelope(), id: webhookId));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var received = await management.GetFromJsonAsync<JsonElement[]>("/api/received?limit=1000");
        Assert.Contains(received!, webhook => webhook.GetProperty("webhookId").GetString() == webhookId);
    }

    [Fact]
    public async Task WithoutAConfiguredKeyTheManagementApiIsOpenAndTheStartSaysSo()
    {
        await using var open = new ReceiverHost(new Dictionary<string, string?> { ["Receiver:ApiKey"] = "" });
        using var client = open.CreateClient();

        using var response = await client.GetAsync("/api/stats");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(open.Logs.Entries, entry => entry.Contains("Receiver:ApiKey is not set", StringComparison.Ordinal));
        Assert.False(response.RequestMessage!.Headers.Contains(ApiKeyEndpointFilter.HeaderName));
    }
}
