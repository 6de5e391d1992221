namespace WebhookLab.Emitter.Model;

// The store keeps times as unix milliseconds; the API shows them as UTC DateTime, which JSON writes as ISO 8601 with "Z".
public static class Timestamps
{
    public static DateTime FromUnixMilliseconds(long milliseconds) =>
        DateTime.SpecifyKind(DateTime.UnixEpoch.AddMilliseconds(milliseconds), DateTimeKind.Utc);

    public static DateTime? FromUnixMilliseconds(long? milliseconds) =>
        milliseconds is { } value ? FromUnixMilliseconds(value) : null;
}
