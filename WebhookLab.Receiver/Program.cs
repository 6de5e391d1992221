using WebhookLab.Receiver.Apis;
using WebhookLab.Receiver.Data;
using WebhookLab.Receiver.Diagnostics;
using WebhookLab.Receiver.Options;
using WebhookLab.Receiver.Processing;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSqliteConnection("receiverdb", settings => settings.Schema = ReceiverSchema.Sql);
builder.AddWebhookVerification();

builder.Services.AddSingleton<ReceiverDiagnostics>();
builder.Services.AddSingleton<WebhookInbox>();
builder.Services.AddSingleton<OrderProjection>();
builder.Services.AddInboxProcessing();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapWebhooksApi();
app.MapReceivedApi();
app.MapDefaultEndpoints();

app.Run();
