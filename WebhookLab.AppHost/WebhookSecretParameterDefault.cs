using System.Security.Cryptography;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Publishing;

namespace WebhookLab.AppHost;

// Generates a Standard Webhooks secret ("whsec_" + base64 of 32 random bytes) the first time the AppHost runs;
// with persist it is kept in the AppHost's user secrets, so the emitter and receiver agree across restarts.
internal sealed class WebhookSecretParameterDefault : ParameterDefault
{
    public override string GetDefaultValue() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    // A deployment supplies its own secret: a generated value must never be written into a manifest.
    public override void WriteToManifest(ManifestPublishingContext context) =>
        throw new NotSupportedException("Set Parameters:signingsecret to a whsec_ secret when publishing WebhookLab.");
}
