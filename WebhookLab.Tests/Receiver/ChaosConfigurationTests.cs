using System.Net;
using System.Net.Http.Json;
using static WebhookLab.Tests.Receiver.ReceiverRequests;

namespace WebhookLab.Tests.Receiver;

// Chaos can be on from the first request (Receiver:Chaos:*), and a bad setting stops the start with a clear message.
public sealed class ChaosConfigurationTests
{
    [Fact]
    public async Task ChaosConfiguredAtStartIsInForceFromTheFirstWebhook()
    {
        await using var receiver = new ReceiverHost(new Dictionary<string, string?>
        {
            ["Receiver:Chaos:FailureRate"] = "1",
            ["Receiver:Chaos:StatusCode"] = "500",
        });
        using var management = receiver.CreateManagementClient();
        using var client = receiver.CreateClient();

        Assert.Equal(new ChaosView(1, 0, 500, false, null), await management.GetFromJsonAsync<ChaosView>("/api/chaos"));
        using var response = await client.SendAsync(Webhook(Envelope()));
        await AssertProblemAsync(response, HttpStatusCode.InternalServerError);
        Assert.False(response.Headers.Contains("Retry-After"));
        Assert.Equal(0, (await management.StatsAsync()).Accepted);
        Assert.Contains(receiver.Logs.Entries, entry => entry.Contains("Chaos is on from configuration", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Receiver:Chaos:StatusCode", "200", "StatusCode")]
    [InlineData("Receiver:Chaos:FailureRate", "1.5", "FailureRate")]
    [InlineData("Receiver:Chaos:LatencyMs", "600001", "LatencyMs")]
    public async Task AnInvalidChaosSettingStopsTheStart(string key, string value, string member)
    {
        await using var receiver = new ReceiverHost(new Dictionary<string, string?> { [key] = value });

        var exception = Assert.ThrowsAny<Exception>(() => receiver.Services);
        Assert.Contains(member, exception.ToString(), StringComparison.Ordinal);
    }
}
