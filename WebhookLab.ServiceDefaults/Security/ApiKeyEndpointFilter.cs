using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace WebhookLab.ServiceDefaults.Security;

// Management APIs answer only to callers that present the configured key in X-Api-Key. Without a configured key the
// API is open (a standalone lab run); the AppHost always sets one.
public static class ApiKeyEndpointFilter
{
    public const string HeaderName = "X-Api-Key";

    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, string? apiKey) where TBuilder : IEndpointConventionBuilder
    {
        if (string.IsNullOrEmpty(apiKey))
        {
            return builder;
        }

        builder.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(ProblemDetails), ["application/problem+json"]));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));
        builder.AddEndpointFilter(async (context, next) =>
        {
            var presented = context.HttpContext.Request.Headers[HeaderName].ToString();
            // Hashing both sides first makes the comparison constant-time whatever the presented length.
            var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
            if (presented.Length == 0 || !CryptographicOperations.FixedTimeEquals(expected, presentedHash))
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "API key required",
                    detail: $"Send the management API key in the {HeaderName} header.");
            }

            return await next(context);
        });
        return builder;
    }
}
