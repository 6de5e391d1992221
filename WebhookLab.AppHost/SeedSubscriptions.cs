using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class SeedSubscriptions
{
    // Makes the emitter subscribe a receiver's /webhooks at start (Emitter:Seed:N), addressed by IPv4 so that traffic
    // stays on the loopback interface.
    public static IResourceBuilder<ProjectResource> WithSeedSubscription(
        this IResourceBuilder<ProjectResource> emitter, int index, string id, string description,
        IResourceBuilder<ProjectResource> receiver, IResourceBuilder<ParameterResource> secret)
    {
        var endpoint = receiver.GetEndpoint("http");
        var prefix = $"Emitter__Seed__{index}__";
        return emitter
            .WithEnvironment(prefix + "Id", id)
            .WithEnvironment(prefix + "Description", description)
            .WithEnvironment(prefix + "Url", ReferenceExpression.Create(
                $"http://{endpoint.Property(EndpointProperty.IPV4Host)}:{endpoint.Property(EndpointProperty.Port)}/webhooks"))
            .WithEnvironment(prefix + "Secret", secret);
    }
}
