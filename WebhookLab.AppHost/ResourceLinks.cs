using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class ResourceLinks
{
    // Links beside a service in the dashboard: its API reference page and its statistics (in that page, with the API key).
    public static IResourceBuilder<ProjectResource> WithApiLinks(this IResourceBuilder<ProjectResource> builder) =>
        builder.WithUrls(context =>
        {
            if (context.Urls.FirstOrDefault(u => u.Endpoint?.EndpointName == "http") is not { } http)
            {
                return;
            }

            http.DisplayText = "Endpoint";
            context.Urls.Add(new ResourceUrlAnnotation { Url = $"{http.Url}/scalar/v1", DisplayText = "API reference" });
            context.Urls.Add(new ResourceUrlAnnotation { Url = $"{http.Url}/scalar/v1#tag/statistics", DisplayText = "Statistics" });
        });
}
