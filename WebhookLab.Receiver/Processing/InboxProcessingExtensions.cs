namespace WebhookLab.Receiver.Processing;

public static class InboxProcessingExtensions
{
    public static IServiceCollection AddInboxProcessing(this IServiceCollection services)
    {
        services.AddSingleton<InboxSignal>();
        services.AddSingleton<InboxProcessor>();
        services.AddHostedService(provider => provider.GetRequiredService<InboxProcessor>());
        services.AddHealthChecks()
            .AddCheck<InboxProcessorHealthCheck>("inbox-processor", tags: ["ready"]);
        return services;
    }
}
