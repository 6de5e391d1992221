namespace WebhookLab.ServiceDefaults.Webhooks;

// Header names of the Standard Webhooks specification (v1).
public static class WebhookHeaders
{
    public const string Id = "webhook-id";
    public const string Timestamp = "webhook-timestamp";
    public const string Signature = "webhook-signature";
}
