using Microsoft.Extensions.Options;
using WebhookLab.ServiceDefaults.Webhooks;

namespace WebhookLab.Receiver.Options;

public static class WebhookVerificationExtensions
{
    // Binds and validates ReceiverOptions, and registers the SignatureVerifier built from them.
    public static IHostApplicationBuilder AddWebhookVerification(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReceiverOptions>()
            .BindConfiguration(ReceiverOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(
                options => options.SigningSecrets.Count > 0,
                "Receiver:SigningSecrets is empty: configure at least one signing secret, e.g. the environment variable Receiver__SigningSecrets__0=whsec_...")
            // The message names the rule, never the value: a malformed secret is still a secret.
            .Validate(
                options => options.SigningSecrets.TrueForAll(secret => WebhookSecret.TryParse(secret, out _)),
                $"Receiver:SigningSecrets holds an invalid secret: each must be '{WebhookSecret.Prefix}' followed by the base64 of {WebhookSecret.MinKeyBytes} to {WebhookSecret.MaxKeyBytes} bytes.")
            .ValidateOnStart();

        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<ReceiverOptions>>().Value;
            return new SignatureVerifier(
                [.. options.SigningSecrets.Select(WebhookSecret.Parse)],
                services.GetRequiredService<TimeProvider>(),
                TimeSpan.FromSeconds(options.ToleranceSeconds));
        });

        return builder;
    }
}
