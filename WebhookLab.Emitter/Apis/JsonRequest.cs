using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace WebhookLab.Emitter.Apis;

// Reads a JSON request body within a size limit, so a malformed or oversized body is a problem details answer,
// never an exception page or a half-parsed request.
internal static class JsonRequest
{
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
        where T : class
    {
        var (document, problem) = await ReadObjectAsync(request, maxBytes, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        using (document)
        {
            try
            {
                return (document!.RootElement.Deserialize<T>(JsonSerializerOptions.Web), null);
            }
            catch (JsonException exception)
            {
                return (null, Problems.Malformed($"A field has the wrong type ({exception.Path ?? "$"})."));
            }
        }
    }

    public static async Task<(JsonDocument? Document, ProblemHttpResult? Problem)> ReadObjectAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, Problems.TooLarge(maxBytes));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (null, Problems.TooLarge(maxBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        }
        catch (JsonException)
        {
            return (null, Problems.Malformed("The body is not valid JSON."));
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return (null, Problems.Malformed("The body must be a JSON object."));
        }

        return (document, null);
    }
}

internal static class Problems
{
    public static ProblemHttpResult Malformed(string detail) =>
        TypedResults.Problem(title: "Malformed request body", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    public static ProblemHttpResult TooLarge(int maxBytes) =>
        TypedResults.Problem(title: "Payload too large", detail: $"The body may be at most {maxBytes} bytes.", statusCode: StatusCodes.Status400BadRequest);

    public static ProblemHttpResult NotFound(string what, string id) =>
        TypedResults.Problem(title: $"{what} not found", detail: $"There is no {what.ToLowerInvariant()} '{Printable(id)}'.", statusCode: StatusCodes.Status404NotFound);

    // Echoes at most a short, single-line form of what the client sent.
    private static string Printable(string value)
    {
        var clean = new string(value.Take(100).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return value.Length > 100 ? clean + "..." : clean;
    }
}
