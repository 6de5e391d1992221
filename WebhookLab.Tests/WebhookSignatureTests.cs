using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;
using WebhookLab.ServiceDefaults.Webhooks;

namespace WebhookLab.Tests;

public class WebhookSignatureTests
{
    // The known-answer vector of the Standard Webhooks specification.
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecBody = """{"test": 2432232314}""";
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    [Fact]
    public void Signer_produces_the_specification_signature()
    {
        var signature = WebhookSigner.Sign(WebhookSecret.Parse(SpecSecret), SpecId, SpecTimestamp, Utf8(SpecBody));

        Assert.Equal(SpecSignature, signature);
    }

    [Fact]
    public void Verifier_accepts_the_specification_signature()
    {
        var verifier = VerifierAt(SpecTimestamp, WebhookSecret.Parse(SpecSecret));

        Assert.Equal(SignatureCheck.Valid, verifier.Verify(SpecId, SpecTimestamp.ToString(), SpecSignature, Utf8(SpecBody)));
    }

    [Fact]
    public void Verifier_rejects_a_tampered_body()
    {
        var verifier = VerifierAt(SpecTimestamp, WebhookSecret.Parse(SpecSecret));

        Assert.Equal(SignatureCheck.InvalidSignature, verifier.Verify(SpecId, SpecTimestamp.ToString(), SpecSignature, Utf8("""{"test": 2432232315}""")));
    }

    [Fact]
    public void Verifier_rejects_a_signature_made_with_another_secret()
    {
        var verifier = VerifierAt(SpecTimestamp, WebhookSecret.Generate());

        Assert.Equal(SignatureCheck.InvalidSignature, verifier.Verify(SpecId, SpecTimestamp.ToString(), SpecSignature, Utf8(SpecBody)));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86_400)]
    [InlineData(86_400)]
    public void Verifier_rejects_a_timestamp_outside_the_tolerance_in_the_past_or_the_future(long clockOffsetSeconds)
    {
        // The receiver's clock runs ahead of the signed timestamp (an old or replayed webhook) or behind it (one from the future).
        var verifier = VerifierAt(SpecTimestamp + clockOffsetSeconds, WebhookSecret.Parse(SpecSecret));

        Assert.Equal(SignatureCheck.Expired, verifier.Verify(SpecId, SpecTimestamp.ToString(), SpecSignature, Utf8(SpecBody)));
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public void Verifier_accepts_a_timestamp_at_the_edge_of_the_tolerance(long clockOffsetSeconds)
    {
        var verifier = VerifierAt(SpecTimestamp + clockOffsetSeconds, WebhookSecret.Parse(SpecSecret));

        Assert.Equal(SignatureCheck.Valid, verifier.Verify(SpecId, SpecTimestamp.ToString(), SpecSignature, Utf8(SpecBody)));
    }

    [Theory]
    [InlineData(null, "1614265330", SpecSignature)]
    [InlineData("", "1614265330", SpecSignature)]
    [InlineData(SpecId, null, SpecSignature)]
    [InlineData(SpecId, "", SpecSignature)]
    [InlineData(SpecId, "1614265330", null)]
    [InlineData(SpecId, "1614265330", "")]
    public void Verifier_reports_missing_headers(string? webhookId, string? timestamp, string? signature)
    {
        var verifier = VerifierAt(SpecTimestamp, WebhookSecret.Parse(SpecSecret));

        Assert.Equal(SignatureCheck.MissingHeaders, verifier.Verify(webhookId, timestamp, signature, Utf8(SpecBody)));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1614265330.0")]
    [InlineData("-1614265330")]
    [InlineData(" 1614265330")]
    [InlineData("2021-02-25T15:02:10Z")]
    public void Verifier_rejects_a_timestamp_that_is_not_unix_seconds(string timestamp)
    {
        var verifier = VerifierAt(SpecTimestamp, WebhookSecret.Parse(SpecSecret));

        Assert.Equal(SignatureCheck.InvalidTimestamp, verifier.Verify(SpecId, timestamp, SpecSignature, Utf8(SpecBody)));
    }

    [Fact]
    public void Verifier_accepts_when_one_of_several_signatures_is_valid_after_unknown_versions()
    {
        var verifier = VerifierAt(SpecTimestamp, WebhookSecret.Parse(SpecSecret));
        var header = $"v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v2,abc v1,{Convert.ToBase64String(new byte[32])} v1,not-base64 {SpecSignature}";

        Assert.Equal(SignatureCheck.Valid, verifier.Verify(SpecId, SpecTimestamp.ToString(), header, Utf8(SpecBody)));
    }

    [Theory]
    [InlineData("v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    public void Verifier_ignores_a_correct_signature_under_an_unknown_version(string header)
    {
        var verifier = VerifierAt(SpecTimestamp, WebhookSecret.Parse(SpecSecret));

        Assert.Equal(SignatureCheck.InvalidSignature, verifier.Verify(SpecId, SpecTimestamp.ToString(), header, Utf8(SpecBody)));
    }

    [Fact]
    public void Verifier_accepts_a_signature_made_with_any_of_several_configured_secrets()
    {
        var retired = WebhookSecret.Generate();
        var current = WebhookSecret.Generate();
        var verifier = VerifierAt(SpecTimestamp, retired, current);

        var withRetired = WebhookSigner.Sign(retired, SpecId, SpecTimestamp, Utf8(SpecBody));
        var withCurrent = WebhookSigner.Sign(current, SpecId, SpecTimestamp, Utf8(SpecBody));

        Assert.Equal(SignatureCheck.Valid, verifier.Verify(SpecId, SpecTimestamp.ToString(), withRetired, Utf8(SpecBody)));
        Assert.Equal(SignatureCheck.Valid, verifier.Verify(SpecId, SpecTimestamp.ToString(), withCurrent, Utf8(SpecBody)));
    }

    [Fact]
    public void Signature_header_for_several_secrets_is_accepted_by_a_receiver_knowing_only_one()
    {
        var secrets = new[] { WebhookSecret.Generate(), WebhookSecret.Generate() };
        var header = WebhookSigner.SignatureHeader(secrets, SpecId, SpecTimestamp, Utf8(SpecBody));

        Assert.Equal(2, header.Split(' ').Length);
        Assert.All(secrets, secret =>
            Assert.Equal(SignatureCheck.Valid, VerifierAt(SpecTimestamp, secret).Verify(SpecId, SpecTimestamp.ToString(), header, Utf8(SpecBody))));
    }

    [Fact]
    public void Standard_webhooks_library_verifies_our_signature()
    {
        var secret = WebhookSecret.Generate();
        var payload = """{"type":"order.created","timestamp":"2025-01-01T00:00:00Z","data":{"customer":"Zoë ✓","amount":12.5}}""";
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = WebhookSigner.Sign(secret, "msg_interop", timestamp, Utf8(payload));

        var exception = Record.Exception(() =>
            new StandardWebhook(secret.Reveal()).Verify(payload, Headers("msg_interop", timestamp, signature)));

        Assert.Null(exception);
    }

    [Fact]
    public void Standard_webhooks_library_signs_what_we_verify()
    {
        var secret = WebhookSecret.Generate();
        var payload = """{"type":"order.created","data":{"customer":"Zoë ✓","amount":12.5}}""";
        var sentAt = DateTimeOffset.FromUnixTimeSeconds(SpecTimestamp);

        var theirs = new StandardWebhook(secret.Reveal()).Sign("msg_interop", sentAt, payload);

        Assert.Equal(WebhookSigner.Sign(secret, "msg_interop", SpecTimestamp, Utf8(payload)), theirs);
        Assert.Equal(SignatureCheck.Valid, VerifierAt(SpecTimestamp, secret).Verify("msg_interop", SpecTimestamp.ToString(), theirs, Utf8(payload)));
    }

    [Fact]
    public void Standard_webhooks_library_and_ours_both_reject_a_tampered_body()
    {
        var secret = WebhookSecret.Generate();
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = WebhookSigner.Sign(secret, "msg_interop", timestamp, Utf8("""{"type":"ping","amount":1}"""));
        var tampered = """{"type":"ping","amount":100}""";

        Assert.Throws<WebhookVerificationException>(() =>
            new StandardWebhook(secret.Reveal()).Verify(tampered, Headers("msg_interop", timestamp, signature)));
        Assert.Equal(
            SignatureCheck.InvalidSignature,
            VerifierAt(timestamp, secret).Verify("msg_interop", timestamp.ToString(), signature, Utf8(tampered)));
    }

    [Fact]
    public void Generated_secret_is_the_prefix_and_32_random_bytes_and_round_trips_through_parse()
    {
        var secret = WebhookSecret.Generate();
        var text = secret.Reveal();

        Assert.StartsWith(WebhookSecret.Prefix, text);
        Assert.Equal(32, Convert.FromBase64String(text[WebhookSecret.Prefix.Length..]).Length);
        Assert.Equal(secret.Key, WebhookSecret.Parse(text).Key);
        Assert.Equal(text, WebhookSecret.Parse(text).Reveal());
        Assert.NotEqual(secret.Key, WebhookSecret.Generate().Key);
    }

    [Theory]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La!aSw")]
    [InlineData("whsec_not base64 at all")]
    [InlineData("whsec_AAECAwQFBgcICQoLDA0ODw==")]
    [InlineData("whsec_")]
    public void Parse_rejects_a_malformed_secret_without_repeating_it(string text)
    {
        var exception = Assert.Throws<FormatException>(() => WebhookSecret.Parse(text));

        Assert.False(WebhookSecret.TryParse(text, out _));
        var value = text.StartsWith(WebhookSecret.Prefix, StringComparison.Ordinal) ? text[WebhookSecret.Prefix.Length..] : text;
        if (value.Length > 0)
        {
            Assert.DoesNotContain(value, exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Masked_secret_does_not_show_the_secret()
    {
        var secret = WebhookSecret.Parse(SpecSecret);
        var key = SpecSecret[WebhookSecret.Prefix.Length..];

        Assert.DoesNotContain(key, secret.Masked, StringComparison.Ordinal);
        Assert.DoesNotContain(key, secret.ToString(), StringComparison.Ordinal);
        Assert.StartsWith(WebhookSecret.Prefix, secret.Masked);
    }

    private static SignatureVerifier VerifierAt(long unixSeconds, params WebhookSecret[] secrets) =>
        new(secrets, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)), Tolerance);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static HeaderDictionary Headers(string webhookId, long timestamp, string signature) => new()
    {
        [WebhookHeaders.Id] = webhookId,
        [WebhookHeaders.Timestamp] = timestamp.ToString(),
        [WebhookHeaders.Signature] = signature,
    };
}
