using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Microsoft.Extensions.Hosting;

// OpenAPI documents (/openapi/v1.json) and an interactive reference page (/scalar) for a service's API.
public static class ApiDocumentationExtensions
{
    public const string ReferencePath = "/scalar";
    private const string ApiKeyScheme = "ApiKey";

    public static TBuilder AddApiDocumentation<TBuilder>(this TBuilder builder, string title, string description) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = title;
            document.Info.Description = description;

            // The management API key, so the reference page can send it with every call it tries.
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "X-Api-Key",
                Description = "The management API key (in the AppHost: the emitterapikey or receiverapikey parameter).",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] });
            return Task.CompletedTask;
        }));
        return builder;
    }

    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference(ReferencePath);
        return app;
    }
}
