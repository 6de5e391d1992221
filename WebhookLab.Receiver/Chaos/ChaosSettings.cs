using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using WebhookLab.Receiver.Options;

namespace WebhookLab.Receiver.Chaos;

// The chaos settings in force. Immutable, so a request reads one consistent set while another request replaces it.
public sealed record ChaosSettings(double FailureRate, int LatencyMs, int StatusCode, bool Down, int? RetryAfterSeconds)
{
    [JsonIgnore]
    public bool IsOff => FailureRate == 0 && LatencyMs == 0 && !Down;

    public static ChaosSettings From(ChaosOptions options) =>
        new(options.FailureRate, options.LatencyMs, options.StatusCode, options.Down, options.RetryAfterSeconds);

    // The rules checked at start (the options' data annotations), keyed by the JSON field names; empty when valid.
    public static Dictionary<string, string[]> Validate(ChaosOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results
            .SelectMany(result => result.MemberNames.Select(member => (Field: JsonNamingPolicy.CamelCase.ConvertName(member), Message: result.ErrorMessage ?? "Invalid value.")))
            .GroupBy(error => error.Field)
            .ToDictionary(group => group.Key, group => group.Select(error => error.Message).ToArray());
    }
}
