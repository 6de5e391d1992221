using WebhookLab.Emitter;
using WebhookLab.Emitter.Apis;
using WebhookLab.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWebhookEmitter();
builder.AddApiDocumentation("WebhookLab Emitter",
    "Publishes events and delivers them as Standard Webhooks to every matching subscription, at least once, through a durable queue.");

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

// Every management call needs the API key when one is configured (the AppHost always sets one).
var apiKey = app.Configuration["Emitter:ApiKey"];
app.MapSubscriptionsApi().RequireApiKey(apiKey);
app.MapEventsApi().RequireApiKey(apiKey);
app.MapOrdersApi().RequireApiKey(apiKey);
app.MapDeliveriesApi().RequireApiKey(apiKey);
app.MapStatsApi().RequireApiKey(apiKey);
app.MapApiDocumentation();
app.MapDefaultEndpoints();

app.Run();

public partial class Program;
