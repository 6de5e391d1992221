using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using WebhookLab.Emitter.Data;
using WebhookLab.Emitter.Diagnostics;
using WebhookLab.Emitter.Options;

namespace WebhookLab.Emitter.Simulator;

// Publishes a steady stream of realistic events (and now and then an order) so deliveries flow without a client.
public sealed class TrafficSimulator(
    Outbox outbox,
    IOptions<SimulatorOptions> options,
    TimeProvider timeProvider,
    ILogger<TrafficSimulator> logger) : BackgroundService
{
    private static readonly string[] Customers = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Barbara Liskov", "Edsger Dijkstra"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var rate = options.Value.EventsPerSecond;
        if (rate <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / rate), timeProvider);
        var sequence = 0L;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                sequence++;
                using var activity = EmitterDiagnostics.ActivitySource.StartActivity("simulate event", ActivityKind.Producer);
                try
                {
                    await PublishOneAsync(sequence, stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // A failed simulated publish is logged and skipped; the simulator keeps its pace.
                    logger.LogWarning(exception, "The traffic simulator could not publish event {Sequence}", sequence);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private Task PublishOneAsync(long sequence, CancellationToken cancellationToken)
    {
        var random = Random.Shared;
        var customer = Customers[random.Next(Customers.Length)];
        var amount = Math.Round((decimal)(random.NextDouble() * 500) + 1, 2);
        switch (sequence % 4)
        {
            case 0:
                return outbox.CreateOrderAsync(customer, amount, cancellationToken);
            case 1:
                return outbox.PublishAsync("invoice.paid", JsonSerializer.SerializeToElement(
                    new { invoiceId = $"inv_{sequence}", customer, amount, currency = "EUR" }, JsonSerializerOptions.Web), null, cancellationToken);
            case 2:
                return outbox.PublishAsync("customer.updated", JsonSerializer.SerializeToElement(
                    new { customer, email = $"{customer.Split(' ')[0].ToLowerInvariant()}@example.com" }, JsonSerializerOptions.Web), null, cancellationToken);
            default:
                return outbox.PublishAsync("payment.failed", JsonSerializer.SerializeToElement(
                    new { paymentId = $"pay_{sequence}", customer, amount, reason = "card_declined" }, JsonSerializerOptions.Web), null, cancellationToken);
        }
    }
}
