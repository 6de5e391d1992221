using System.ComponentModel.DataAnnotations;

namespace WebhookLab.Receiver.Options;

// Bound from "Receiver"; validated at start so a missing or malformed secret stops the service before it takes a request.
public sealed class ReceiverOptions
{
    public const string SectionName = "Receiver";

    // Several secrets while a secret is rotated: a signature made with any of them is accepted.
    public List<string> SigningSecrets { get; set; } = [];

    [Range(1, 86_400)]
    public int ToleranceSeconds { get; set; } = 300;

    [Range(1, 100 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    // When set, every /api call needs it in the X-Api-Key header; POST /webhooks is authenticated by its signature instead.
    public string? ApiKey { get; set; }
}
