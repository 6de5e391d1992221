using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace WebhookLab.ServiceDefaults;

// Reads a background service's ExecuteTask: degraded until it runs, unhealthy once it has stopped or faulted.
// A service that accepts work its background loop can no longer do is not healthy.
public sealed class BackgroundServiceHealthCheck<TService>(TService service) : IHealthCheck
    where TService : BackgroundService
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(service.ExecuteTask switch
        {
            null => HealthCheckResult.Degraded($"{typeof(TService).Name} is starting."),
            { IsFaulted: true } task => HealthCheckResult.Unhealthy($"{typeof(TService).Name} has failed.", task.Exception),
            { IsCompleted: true } => HealthCheckResult.Unhealthy($"{typeof(TService).Name} has stopped."),
            _ => HealthCheckResult.Healthy(),
        });
}

public static class BackgroundServiceRegistration
{
    // Registers a background service as a singleton (so others can reach it), as a hosted service, and with a health check.
    public static IServiceCollection AddBackgroundServiceWithHealthCheck<TService>(this IServiceCollection services, string healthCheckName)
        where TService : BackgroundService
    {
        services.AddSingleton<TService>();
        services.AddHostedService(sp => sp.GetRequiredService<TService>());
        services.AddHealthChecks().AddCheck<BackgroundServiceHealthCheck<TService>>(healthCheckName, tags: ["ready"]);
        return services;
    }
}
