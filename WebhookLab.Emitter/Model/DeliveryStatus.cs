namespace WebhookLab.Emitter.Model;

// Stored as an integer; pending and failed are the states the dispatcher claims from.
public enum DeliveryStatus
{
    // No attempt yet.
    Pending = 0,

    // The last attempt failed; the next one is scheduled.
    Failed = 1,

    Succeeded = 2,

    // Every attempt of the retry schedule failed.
    Dead = 3,
}

public static class DeliveryStatusNames
{
    public static string ToApiName(this DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "pending",
        DeliveryStatus.Failed => "failed",
        DeliveryStatus.Succeeded => "succeeded",
        DeliveryStatus.Dead => "dead",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}
