using WebhookLab.ServiceDefaults;

namespace WebhookLab.Receiver.Processing;

public static class InboxProcessingExtensions
{
    public static IServiceCollection AddInboxProcessing(this IServiceCollection services)
    {
        services.AddSingleton<InboxSignal>();
        services.AddBackgroundServiceWithHealthCheck<InboxProcessor>("inbox-processor");
        return services;
    }
}
