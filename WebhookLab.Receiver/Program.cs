using WebhookLab.Receiver.Apis;
using WebhookLab.Receiver.Chaos;
using WebhookLab.Receiver.Data;
using WebhookLab.Receiver.Diagnostics;
using WebhookLab.Receiver.Options;
using WebhookLab.Receiver.Processing;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSqliteConnection("receiverdb", settings => settings.Schema = ReceiverSchema.Sql);
builder.AddWebhookVerification();
builder.AddChaos();
builder.AddApiDocumentation("WebhookLab Receiver",
    "Receives Standard Webhooks: verifies, deduplicates by webhook-id, stores before it acknowledges, and processes apart from the request path.");

builder.Services.AddSingleton<ReceiverDiagnostics>();
// Created at start: rejections are counted from the process start, which the stats report.
builder.Services.AddActivatedSingleton<RejectionCounts>();
builder.Services.AddSingleton<WebhookInbox>();
builder.Services.AddSingleton<OrderProjection>();
builder.Services.AddInboxProcessing();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapWebhooksApi();
app.MapManagementApis();
app.MapApiDocumentation();
app.MapDefaultEndpoints();

app.Run();
