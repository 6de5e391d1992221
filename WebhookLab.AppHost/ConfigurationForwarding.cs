using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

public static class ConfigurationForwarding
{
    // Passes every value of an AppHost configuration section to a service as environment variables under the same keys,
    // so "Emitter:Delivery:AttemptTimeout" in the AppHost's settings (or a test's arguments) reaches the emitter.
    // With `asSection`, the values go under that name instead (FlakyReceiver:Chaos:FailureRate -> Receiver__Chaos__FailureRate).
    public static IResourceBuilder<T> WithSettingsFrom<T>(this IResourceBuilder<T> builder, IConfigurationSection section, string? asSection = null)
        where T : IResourceWithEnvironment
    {
        foreach (var (key, value) in section.AsEnumerable())
        {
            if (value is not null)
            {
                var name = asSection is null ? key : asSection + key[section.Path.Length..];
                builder.WithEnvironment(name.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }

        return builder;
    }
}
