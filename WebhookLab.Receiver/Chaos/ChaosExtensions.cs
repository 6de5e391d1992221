using WebhookLab.Receiver.Options;

namespace WebhookLab.Receiver.Chaos;

public static class ChaosExtensions
{
    // Binds and validates the chaos options; the injector starts from them and API calls replace its settings.
    public static IHostApplicationBuilder AddChaos(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChaosOptions>()
            .BindConfiguration(ChaosOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Created at start, so chaos configured for this run is logged at once rather than at the first webhook.
        builder.Services.AddActivatedSingleton<FaultInjector>();
        return builder;
    }
}
