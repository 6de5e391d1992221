using WebhookLab.ServiceDefaults.Webhooks;

namespace WebhookLab.Emitter.Model;

// An endpoint that receives the events of the given types (none = every type).
public sealed record Subscription(
    string Id,
    string Url,
    IReadOnlyList<string> EventTypes,
    WebhookSecret Secret,
    string? Description,
    bool Enabled,
    long CreatedAt)
{
    public bool Matches(string eventType) => EventTypes.Count == 0 || EventTypes.Contains(eventType, StringComparer.Ordinal);
}
