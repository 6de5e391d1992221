using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WebhookLab.Receiver.Chaos;
using WebhookLab.Receiver.Data;
using WebhookLab.Receiver.Diagnostics;
using WebhookLab.Receiver.Options;
using WebhookLab.Receiver.Processing;
using WebhookLab.ServiceDefaults.Webhooks;

namespace WebhookLab.Receiver.Apis;

public static class WebhooksApi
{
    public const int MaxWebhookIdLength = 255;

    private static readonly JsonDocumentOptions EnvelopeOptions = new() { AllowDuplicateProperties = false };

    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var webhooks = routes.MapGroup("/webhooks");
        // Chaos comes first, before the body is read: a receiver that is down or slow is so whatever is sent to it.
        webhooks.AddEndpointFilter(async (context, next) =>
            await context.HttpContext.RequestServices.GetRequiredService<FaultInjector>().InjectAsync(context.HttpContext)
            ?? await next(context));
        webhooks.MapPost("", ReceiveAsync)
            .WithTags("Webhooks")
            .WithSummary("Receive a Standard Webhooks v1 delivery")
            .WithDescription("Checks, in order: size (413), webhook-id, webhook-timestamp and webhook-signature over the raw body (401), a JSON object with a string type (400); then stores by webhook-id and answers 204. A repeated webhook-id is answered 204 and not stored again.")
            .Accepts<WebhookEnvelope>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return webhooks;
    }

    // Checks in order: size (413), headers and signature over the raw bytes (401), body shape (400); then stores, and only
    // then acknowledges. A rejected request changes nothing: it is counted in memory, never written.
    public static async Task<Results<NoContent, ProblemHttpResult>> ReceiveAsync(
        HttpRequest request,
        [AsParameters] WebhookReceiveServices services,
        CancellationToken cancellationToken)
    {
        var maxBodyBytes = services.Options.Value.MaxBodyBytes;
        var webhookId = (string?)request.Headers[WebhookHeaders.Id];
        var timestamp = (string?)request.Headers[WebhookHeaders.Timestamp];
        // Signatures sent as several header lines count as one space-separated list.
        var signatures = string.Join(' ', request.Headers[WebhookHeaders.Signature].ToArray());
        // Checked now, rejected after the size check: only a well-formed id is ever logged, as a hostile one could forge
        // log lines or flood them.
        var idIsWellFormed = webhookId is null || IsWellFormedWebhookId(webhookId);
        var loggableId = idIsWellFormed ? webhookId : null;

        // Lifted before the Content-Length check too: the server then drains the unread body for a moment instead of
        // resetting the connection, so a client that sends its whole body before reading still sees the 413.
        RequestBody.LiftServerLimit(request.HttpContext);
        if (request.ContentLength > maxBodyBytes)
        {
            return TooLarge(services, loggableId, maxBodyBytes);
        }

        InboundWebhook webhook;
        using (var body = await RequestBody.ReadAsync(request, maxBodyBytes, cancellationToken))
        {
            if (body is null)
            {
                return TooLarge(services, loggableId, maxBodyBytes);
            }

            if (!idIsWellFormed)
            {
                return MalformedWebhookId(services, webhookId!);
            }

            var check = services.Verifier.Verify(webhookId, timestamp, signatures, body.Span);
            if (check != SignatureCheck.Valid)
            {
                return Unauthenticated(services, webhookId, check);
            }

            if (!TryReadEnvelope(body.Memory, out var type, out var data))
            {
                services.Diagnostics.WebhookReceived(WebhookOutcome.Malformed, webhookId);
                services.Rejections.Count(WebhookOutcome.Malformed);
                services.Logger.WebhookMalformed(webhookId!);
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "Malformed webhook",
                    detail: "The body must be a JSON object with a string 'type' (and usually 'timestamp' and 'data').");
            }

            // A valid signature implies the three headers are present and the timestamp is Unix seconds.
            webhook = new InboundWebhook(
                webhookId!,
                type,
                data,
                long.Parse(timestamp!, NumberStyles.None, CultureInfo.InvariantCulture),
                ReceiveTraceparent(request));
        }

        var receiveCount = await services.Inbox.ReceiveAsync(webhook, cancellationToken);
        if (receiveCount == 1)
        {
            services.Signal.Notify();
            services.Diagnostics.WebhookReceived(WebhookOutcome.Accepted, webhook.WebhookId, webhook.Type);
            services.Logger.WebhookStored(webhook.WebhookId, webhook.Type);
        }
        else
        {
            services.Diagnostics.WebhookReceived(WebhookOutcome.Duplicate, webhook.WebhookId, webhook.Type);
            services.Logger.WebhookDuplicate(webhook.WebhookId, receiveCount);
        }

        return TypedResults.NoContent();
    }

    // 1 to 255 printable ASCII characters (0x21 to 0x7E): no spaces, control characters, line separators or other Unicode.
    public static bool IsWellFormedWebhookId(string webhookId) =>
        webhookId.Length <= MaxWebhookIdLength && !webhookId.AsSpan().ContainsAnyExceptInRange('\x21', '\x7E');

    // The body's "type" and its "data" as raw JSON text (null when absent).
    private static bool TryReadEnvelope(ReadOnlyMemory<byte> body, out string type, out string? data)
    {
        type = "";
        data = null;
        try
        {
            using var document = JsonDocument.Parse(body, EnvelopeOptions);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var typeElement)
                || typeElement.ValueKind != JsonValueKind.String
                || typeElement.GetString() is not { Length: > 0 } eventType)
            {
                return false;
            }

            type = eventType;
            data = root.TryGetProperty("data", out var dataElement) ? dataElement.GetRawText() : null;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // The receive span's context, so processing continues the sender's trace under it; else the sender's own header.
    private static string? ReceiveTraceparent(HttpRequest request) =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity
            ? activity.Id
            : (string?)request.Headers.TraceParent;

    private static ProblemHttpResult TooLarge(WebhookReceiveServices services, string? webhookId, int maxBodyBytes)
    {
        services.Diagnostics.WebhookReceived(WebhookOutcome.TooLarge);
        services.Rejections.Count(WebhookOutcome.TooLarge);
        services.Logger.WebhookTooLarge(webhookId, maxBodyBytes);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Webhook too large",
            detail: $"The body exceeds {maxBodyBytes} bytes.");
    }

    private static ProblemHttpResult MalformedWebhookId(WebhookReceiveServices services, string webhookId)
    {
        services.Diagnostics.WebhookReceived(WebhookOutcome.InvalidSignature);
        services.Rejections.Count(WebhookOutcome.InvalidSignature);
        services.Logger.WebhookIdMalformed(webhookId.Length);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Invalid webhook header",
            detail: $"{WebhookHeaders.Id} must be 1 to {MaxWebhookIdLength} printable ASCII characters (0x21 to 0x7E).");
    }

    private static ProblemHttpResult Unauthenticated(WebhookReceiveServices services, string? webhookId, SignatureCheck check)
    {
        var outcome = check == SignatureCheck.Expired ? WebhookOutcome.Expired : WebhookOutcome.InvalidSignature;
        services.Diagnostics.WebhookReceived(outcome);
        services.Rejections.Count(outcome);
        services.Logger.WebhookUnauthenticated(webhookId, check);
        var detail = check switch
        {
            SignatureCheck.MissingHeaders => $"The {WebhookHeaders.Id}, {WebhookHeaders.Timestamp} and {WebhookHeaders.Signature} headers are required.",
            SignatureCheck.InvalidTimestamp => $"{WebhookHeaders.Timestamp} must be a Unix time in seconds.",
            SignatureCheck.Expired => $"{WebhookHeaders.Timestamp} is outside the tolerance of {services.Options.Value.ToleranceSeconds} s.",
            _ => "No signature matches the body with a configured secret.",
        };

        return TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: check == SignatureCheck.Expired ? "Webhook timestamp outside tolerance" : "Invalid webhook signature",
            detail: detail);
    }
}

public sealed record WebhookReceiveServices(
    SignatureVerifier Verifier,
    WebhookInbox Inbox,
    InboxSignal Signal,
    ReceiverDiagnostics Diagnostics,
    RejectionCounts Rejections,
    IOptions<ReceiverOptions> Options,
    ILogger<WebhookReceiveServices> Logger);

// The body a sender posts, for the API documentation; the endpoint itself reads the raw bytes.
public sealed record WebhookEnvelope(string Type, DateTimeOffset Timestamp, System.Text.Json.JsonElement Data);
