using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using WebhookLab.Emitter.Options;

namespace WebhookLab.Emitter.Delivery;

public static class DeliveryHttpClient
{
    // The delivery client: a per-attempt timeout and a circuit breaker per receiver authority, and no retries:
    // the durable queue is the only retry layer, so a retry survives a crash and is logged as an attempt.
    public static IHttpClientBuilder AddWebhookDeliveryClient(this IServiceCollection services)
    {
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental; it is the documented way to opt out of the defaults.
        var client = services.AddHttpClient(WebhookSender.HttpClientName, client =>
            {
                // The resilience pipeline's timeout is the one that counts.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(services => new SocketsHttpHandler
            {
                // Every connection checks the address it dials, unless private networks are allowed (a local lab).
                ConnectCallback = services.GetRequiredService<DestinationGuard>().AllowsPrivateNetworks
                    ? null
                    : DestinationGuard.ConnectToPublicAddressAsync,
                // A redirect is an answer, not a delivery: 3xx counts as a failed attempt.
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(10),
            })
            .RemoveAllResilienceHandlers()
            // Subscriber URLs are addresses on the internet, never service names: no service discovery on this client,
            // and no per-request log scopes on a path that runs thousands of times a second (attempts are logged by the dispatcher).
            .RemoveAllLoggers()
            .ConfigureAdditionalHttpMessageHandlers(static (handlers, _) =>
            {
                for (var i = handlers.Count - 1; i >= 0; i--)
                {
                    if (handlers[i].GetType().Namespace?.StartsWith("Microsoft.Extensions.ServiceDiscovery", StringComparison.Ordinal) == true)
                    {
                        handlers.RemoveAt(i);
                    }
                }
            });

        client.AddResilienceHandler("delivery", static (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<DeliveryOptions>>().Value;
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = options.CircuitBreakerFailureRatio,
                    MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                    SamplingDuration = TimeSpan.FromSeconds(30),
                    BreakDuration = options.CircuitBreakerBreakDuration,
                });
                pipeline.AddTimeout(options.AttemptTimeout);
            })
            // One dead receiver opens only its own circuit.
            .SelectPipelineByAuthority();
#pragma warning restore EXTEXP0001

        return client;
    }
}
