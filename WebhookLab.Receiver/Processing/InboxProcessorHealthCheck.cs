using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WebhookLab.Receiver.Processing;

// Reads the processor's ExecuteTask: degraded until it runs, unhealthy once it has stopped or faulted.
internal sealed class InboxProcessorHealthCheck(InboxProcessor processor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(processor.ExecuteTask switch
        {
            null => HealthCheckResult.Degraded("The inbox processor is starting."),
            { IsFaulted: true } task => HealthCheckResult.Unhealthy("The inbox processor has failed.", task.Exception),
            { IsCompleted: true } => HealthCheckResult.Unhealthy("The inbox processor has stopped."),
            _ => HealthCheckResult.Healthy(),
        });
}
