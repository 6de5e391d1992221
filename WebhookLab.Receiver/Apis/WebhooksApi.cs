using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WebhookLab.Receiver.Data;
using WebhookLab.Receiver.Diagnostics;
using WebhookLab.Receiver.Options;
using WebhookLab.Receiver.Processing;
using WebhookLab.ServiceDefaults.Webhooks;

namespace WebhookLab.Receiver.Apis;

public static class WebhooksApi
{
    private static readonly JsonDocumentOptions EnvelopeOptions = new() { AllowDuplicateProperties = false };

    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var webhooks = routes.MapGroup("/webhooks");
        webhooks.MapPost("", ReceiveAsync);
        return webhooks;
    }

    // Checks in order: size (413), signature over the raw bytes (401), body shape (400); then stores, and only then acknowledges.
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

        // Lifted before the Content-Length check too: the server then drains the unread body for a moment instead of
        // resetting the connection, so a client that sends its whole body before reading still sees the 413.
        RequestBody.LiftServerLimit(request.HttpContext);
        if (request.ContentLength > maxBodyBytes)
        {
            return TooLarge(services, webhookId, maxBodyBytes);
        }

        InboundWebhook webhook;
        using (var body = await RequestBody.ReadAsync(request, maxBodyBytes, cancellationToken))
        {
            if (body is null)
            {
                return TooLarge(services, webhookId, maxBodyBytes);
            }

            var check = services.Verifier.Verify(webhookId, timestamp, signatures, body.Span);
            if (check != SignatureCheck.Valid)
            {
                return Unauthenticated(services, webhookId, check);
            }

            if (!TryReadEnvelope(body.Memory, out var type, out var data))
            {
                services.Diagnostics.WebhookReceived(WebhookOutcome.Malformed, webhookId);
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
        services.Logger.WebhookTooLarge(webhookId, maxBodyBytes);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Webhook too large",
            detail: $"The body exceeds {maxBodyBytes} bytes.");
    }

    private static ProblemHttpResult Unauthenticated(WebhookReceiveServices services, string? webhookId, SignatureCheck check)
    {
        services.Diagnostics.WebhookReceived(check == SignatureCheck.Expired ? WebhookOutcome.Expired : WebhookOutcome.InvalidSignature);
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
    IOptions<ReceiverOptions> Options,
    ILogger<WebhookReceiveServices> Logger);
