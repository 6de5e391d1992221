using WebhookLab.Emitter;
using WebhookLab.Emitter.Apis;
using WebhookLab.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWebhookEmitter();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

// Every management call needs the API key when one is configured (the AppHost always sets one).
var apiKey = app.Configuration["Emitter:ApiKey"];
app.MapSubscriptionsApi().RequireApiKey(apiKey);
app.MapEventsApi().RequireApiKey(apiKey);
app.MapOrdersApi().RequireApiKey(apiKey);
app.MapDeliveriesApi().RequireApiKey(apiKey);
app.MapDefaultEndpoints();

app.Run();

public partial class Program;
