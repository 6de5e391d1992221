using Microsoft.Extensions.Options;
using WebhookLab.Receiver.Diagnostics;
using WebhookLab.Receiver.Options;
using WebhookLab.ServiceDefaults.Security;

namespace WebhookLab.Receiver.Apis;

public static class ManagementApis
{
    // One /api group behind the API key, so no management endpoint can be mapped without it. POST /webhooks is
    // authenticated by its signature instead, and the health endpoints stay open to the orchestrator.
    public static RouteGroupBuilder MapManagementApis(this WebApplication app)
    {
        var apiKey = app.Services.GetRequiredService<IOptions<ReceiverOptions>>().Value.ApiKey;
        if (string.IsNullOrEmpty(apiKey))
        {
            app.Logger.ManagementApiOpen();
        }

        var api = app.MapGroup("/api").RequireApiKey(apiKey);
        api.MapReceivedApi();
        api.MapChaosApi();
        api.MapStatsApi();
        return api;
    }
}
