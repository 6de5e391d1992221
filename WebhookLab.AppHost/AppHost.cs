using Microsoft.Extensions.Configuration;
using Aspire.Hosting.ApplicationModel;
using WebhookLab.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

var dataDirectory = builder.Configuration["WebhookLab:DataDirectory"] ?? Path.Combine(builder.AppHostDirectory, "data");
var signingSecret = builder.AddParameter("signingsecret", new WebhookSecretParameterDefault(), secret: true, persist: true);
var emitterApiKey = builder.AddParameter("emitterapikey", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
var receiverApiKey = builder.AddParameter("receiverapikey", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

var emitterDb = builder.AddSqliteDatabase("emitterdb", dataDirectory);
var receiverDb = builder.AddSqliteDatabase("receiverdb", dataDirectory);
var flakyReceiverDb = builder.AddSqliteDatabase("flakyreceiverdb", dataDirectory);

var receiver = builder.AddProject<Projects.WebhookLab_Receiver>("receiver")
    .WithReference(receiverDb)
    .WithEnvironment("Receiver__SigningSecrets__0", signingSecret)
    .WithEnvironment("Receiver__ApiKey", receiverApiKey)
    .WithSettingsFrom(builder.Configuration.GetSection("Receiver"))
    .WithHttpHealthCheck("/health")
    .WithApiLinks()
    .WithOutageCommands(receiverApiKey, normalChaos: new { });

// A second receiver that fails 30% of webhooks and answers slowly: retries and recoveries show from the first minute.
var flakyChaos = builder.Configuration.GetSection("FlakyReceiver:Chaos");
var flakyReceiver = builder.AddProject<Projects.WebhookLab_Receiver>("flakyreceiver", options => options.ExcludeLaunchProfile = true)
    .WithHttpEndpoint(name: "http")
    .WithReference(flakyReceiverDb, connectionName: "receiverdb")
    .WithEnvironment("Receiver__SigningSecrets__0", signingSecret)
    .WithEnvironment("Receiver__ApiKey", receiverApiKey)
    .WithSettingsFrom(builder.Configuration.GetSection("Receiver"))
    .WithSettingsFrom(builder.Configuration.GetSection("FlakyReceiver"), "Receiver")
    .WithHttpHealthCheck("/health")
    .WithApiLinks()
    .WithOutageCommands(receiverApiKey, normalChaos: new
    {
        failureRate = flakyChaos.GetValue<double>("FailureRate"),
        latencyMs = flakyChaos.GetValue<int>("LatencyMs"),
        statusCode = flakyChaos.GetValue("StatusCode", 503),
    });

// The emitter is seeded with a subscription to each receiver's address (127.0.0.1: webhooks stay on this machine).
builder.AddProject<Projects.WebhookLab_Emitter>("emitter")
    .WithReference(emitterDb)
    .WithSeedSubscription(0, "sub_receiver", "The AppHost's receiver", receiver, signingSecret)
    .WithSeedSubscription(1, "sub_flakyreceiver", "A receiver that fails 30% of webhooks", flakyReceiver, signingSecret)
    .WithEnvironment("Emitter__ApiKey", emitterApiKey)
    // Everything in the AppHost runs on this machine, so the SSRF guard must let webhooks reach 127.0.0.1.
    .WithEnvironment("Emitter__AllowPrivateNetworks", "true")
    .WithSettingsFrom(builder.Configuration.GetSection("Emitter"))
    .WithHttpHealthCheck("/health")
    .WithApiLinks()
    .WithEmitterCommands(emitterApiKey)
    .WaitFor(receiver)
    .WaitFor(flakyReceiver);

builder.Build().Run();
