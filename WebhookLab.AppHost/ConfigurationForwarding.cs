using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

public static class ConfigurationForwarding
{
    // Passes every value of an AppHost configuration section to a service as environment variables under the same keys,
    // so "Emitter:Delivery:AttemptTimeout" in the AppHost's settings (or a test's arguments) reaches the emitter.
    public static IResourceBuilder<T> WithSettingsFrom<T>(this IResourceBuilder<T> builder, IConfigurationSection section)
        where T : IResourceWithEnvironment
    {
        foreach (var (key, value) in section.AsEnumerable())
        {
            if (value is not null)
            {
                builder.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }

        return builder;
    }
}
