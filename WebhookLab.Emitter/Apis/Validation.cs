using System.Text.RegularExpressions;

namespace WebhookLab.Emitter.Apis;

internal static partial class Validation
{
    public const int MaxUrlLength = 2048;
    public const int MaxEventTypes = 100;
    public const int MaxEventTypeLength = 128;
    public const int MaxDescriptionLength = 1000;
    public const int MaxIdempotencyKeyLength = 255;

    // Event types like "order.created": letters, digits, '.', '_', '-'.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex EventTypePattern();

    public static string? EventTypeError(string? type) => type switch
    {
        null or "" => "An event type is required.",
        { Length: > MaxEventTypeLength } => $"An event type is at most {MaxEventTypeLength} characters.",
        _ when !EventTypePattern().IsMatch(type) => "An event type has letters, digits, '.', '_' and '-' only, and starts with a letter or digit.",
        _ => null,
    };

    public static string? UrlError(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "A URL is required.";
        }

        if (url.Length > MaxUrlLength)
        {
            return $"A URL is at most {MaxUrlLength} characters.";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return "The URL must be an absolute http or https URL.";
        }

        // Credentials in a URL end up in logs and proxies; the signature authenticates the sender instead.
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "The URL may not contain a user name or password.";
        }

        return null;
    }
}
