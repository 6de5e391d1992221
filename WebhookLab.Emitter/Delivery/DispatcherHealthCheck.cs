using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WebhookLab.Emitter.Delivery;

// Degraded while the dispatcher is starting, unhealthy if it stopped or faulted: a service that accepts events
// but cannot deliver them is not healthy.
public sealed class DispatcherHealthCheck(DeliveryDispatcher dispatcher) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(dispatcher.ExecuteTask switch
        {
            null => HealthCheckResult.Degraded("The delivery dispatcher has not started yet."),
            { IsFaulted: true } task => HealthCheckResult.Unhealthy("The delivery dispatcher failed.", task.Exception),
            { IsCompleted: true } => HealthCheckResult.Unhealthy("The delivery dispatcher has stopped."),
            _ => HealthCheckResult.Healthy($"{dispatcher.InFlight} attempts in flight."),
        });
}
