using Aspire.Hosting.ApplicationModel;
using WebhookLab.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

var dataDirectory = builder.Configuration["WebhookLab:DataDirectory"] ?? Path.Combine(builder.AppHostDirectory, "data");
var signingSecret = builder.AddParameter("signingsecret", new WebhookSecretParameterDefault(), secret: true, persist: true);
var emitterApiKey = builder.AddParameter("emitterapikey", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
var receiverApiKey = builder.AddParameter("receiverapikey", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

var emitterDb = builder.AddSqliteDatabase("emitterdb", dataDirectory);
var receiverDb = builder.AddSqliteDatabase("receiverdb", dataDirectory);

var receiver = builder.AddProject<Projects.WebhookLab_Receiver>("receiver")
    .WithReference(receiverDb)
    .WithEnvironment("Receiver__SigningSecrets__0", signingSecret)
    .WithEnvironment("Receiver__ApiKey", receiverApiKey)
    .WithSettingsFrom(builder.Configuration.GetSection("Receiver"))
    .WithHttpHealthCheck("/health");

// The emitter is seeded with a subscription to the receiver's address (127.0.0.1: webhooks stay on this machine).
var receiverEndpoint = receiver.GetEndpoint("http");
builder.AddProject<Projects.WebhookLab_Emitter>("emitter")
    .WithReference(emitterDb)
    .WithEnvironment("Emitter__Seed__0__Id", "sub_receiver")
    .WithEnvironment("Emitter__Seed__0__Description", "The AppHost's receiver")
    .WithEnvironment("Emitter__Seed__0__Url", ReferenceExpression.Create(
        $"http://{receiverEndpoint.Property(EndpointProperty.IPV4Host)}:{receiverEndpoint.Property(EndpointProperty.Port)}/webhooks"))
    .WithEnvironment("Emitter__Seed__0__Secret", signingSecret)
    .WithEnvironment("Emitter__ApiKey", emitterApiKey)
    // Everything in the AppHost runs on this machine, so the SSRF guard must let webhooks reach 127.0.0.1.
    .WithEnvironment("Emitter__AllowPrivateNetworks", "true")
    .WithSettingsFrom(builder.Configuration.GetSection("Emitter"))
    .WithHttpHealthCheck("/health")
    .WaitFor(receiver);

builder.Build().Run();
