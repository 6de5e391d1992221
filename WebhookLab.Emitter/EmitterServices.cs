using WebhookLab.Emitter.Data;
using WebhookLab.Emitter.Delivery;
using WebhookLab.Emitter.Diagnostics;
using WebhookLab.Emitter.Options;
using WebhookLab.Emitter.Simulator;
using WebhookLab.ServiceDefaults;

namespace WebhookLab.Emitter;

public static class EmitterServices
{
    public static IHostApplicationBuilder AddWebhookEmitter(this IHostApplicationBuilder builder)
    {
        builder.AddSqliteConnection("emitterdb", settings => settings.Schema = EmitterSchema.Sql);

        var services = builder.Services;
        services.AddOptions<EmitterOptions>().BindConfiguration(EmitterOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.Seed.All(s => ServiceDefaults.Webhooks.WebhookSecret.TryParse(s.Secret, out _)),
                "Every Emitter:Seed secret must be 'whsec_' followed by the base64 of 24 to 64 bytes.")
            .ValidateOnStart();
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.AttemptTimeout > TimeSpan.Zero && o.LeaseDuration > o.AttemptTimeout,
                "Emitter:Delivery:AttemptTimeout must be positive and shorter than Emitter:Delivery:LeaseDuration.")
            .Validate(o => o.EffectiveRetrySchedule.All(d => d > TimeSpan.Zero), "Every Emitter:Delivery:RetrySchedule delay must be positive.")
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Emitter:Delivery:PollInterval must be positive.")
            .ValidateOnStart();
        services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton<EmitterDiagnostics>();
        services.AddSingleton<SubscriptionStore>();
        services.AddSingleton<Outbox>();
        services.AddSingleton<DeliveryQueue>();
        services.AddSingleton<EventQueries>();
        services.AddSingleton<StatsQueries>();
        // Created at start, so the queue gauges exist before anything asks for them.
        services.AddActivatedSingleton<QueueMetrics>();
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<RetrySchedule>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<DestinationGuard>();
        services.AddWebhookDeliveryClient();

        // The seeder runs before the dispatcher and the simulator start.
        services.AddHostedService<SubscriptionSeeder>();
        services.AddBackgroundServiceWithHealthCheck<DeliveryDispatcher>("delivery-dispatcher");
        services.AddHostedService<TrafficSimulator>();

        return builder;
    }
}
