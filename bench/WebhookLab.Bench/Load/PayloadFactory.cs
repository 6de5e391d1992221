using System.Buffers;
using System.Text.Json;

namespace WebhookLab.Bench.Load;

// Request bodies with event data of about the configured size: {"seq": n, "pad": "xxxx..."}.
public sealed class PayloadFactory(int payloadBytes)
{
    // What "seq" and the property names take, so that the data object comes out at about payloadBytes.
    private const int Overhead = 31;

    private readonly string _pad = new('x', Math.Max(0, payloadBytes - Overhead));

    public byte[] Batch(string type, long firstSeq, int count) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartArray("events");
        for (var i = 0; i < count; i++)
        {
            WriteEvent(writer, type, firstSeq + i);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    public byte[] Single(string type, long seq) => Write(writer => WriteEvent(writer, type, seq));

    // A webhook body as the emitter sends it: {"type", "timestamp", "data"}.
    public byte[] Webhook(string type, DateTimeOffset timestamp) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("type", type);
        writer.WriteString("timestamp", timestamp.UtcDateTime);
        writer.WritePropertyName("data");
        WriteData(writer, 0);
        writer.WriteEndObject();
    });

    private void WriteEvent(Utf8JsonWriter writer, string type, long seq)
    {
        writer.WriteStartObject();
        writer.WriteString("type", type);
        writer.WritePropertyName("data");
        WriteData(writer, seq);
        writer.WriteEndObject();
    }

    private void WriteData(Utf8JsonWriter writer, long seq)
    {
        writer.WriteStartObject();
        writer.WriteNumber("seq", seq);
        writer.WriteString("pad", _pad);
        writer.WriteEndObject();
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
