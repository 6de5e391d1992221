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
    public string? DisabledReason { get; init; }

    // The secret replaced by the last rotation, still signing until PreviousSecretExpiresAt.
    public WebhookSecret? PreviousSecret { get; init; }

    public long? PreviousSecretExpiresAt { get; init; }

    public bool Matches(string eventType) => EventTypes.Count == 0 || EventTypes.Contains(eventType, StringComparer.Ordinal);

    // The secrets to sign with now: the current one, and during a rotation's grace period the previous one too.
    public IReadOnlyList<WebhookSecret> SigningSecrets(DateTimeOffset now) =>
        PreviousSecret is not null && PreviousSecretExpiresAt > now.ToUnixTimeMilliseconds()
            ? [Secret, PreviousSecret]
            : [Secret];
}
