using WebhookLab.Emitter;
using WebhookLab.Emitter.Apis;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWebhookEmitter();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapSubscriptionsApi();
app.MapEventsApi();
app.MapOrdersApi();
app.MapDefaultEndpoints();

app.Run();

public partial class Program;
