namespace WebhookLab.ServiceDefaults;

// The names of the services' ActivitySources and Meters, so ServiceDefaults exports exactly what they emit.
public static class WebhookLabTelemetry
{
    public const string EmitterName = "WebhookLab.Emitter";
    public const string ReceiverName = "WebhookLab.Receiver";
}
