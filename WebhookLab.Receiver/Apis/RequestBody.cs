using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace WebhookLab.Receiver.Apis;

// The request body exactly as received (the bytes the signature covers), in a pooled buffer returned on Dispose.
internal sealed class RequestBody : IDisposable
{
    private const int InitialBufferBytes = 16 * 1024;

    private byte[]? _buffer;

    private RequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(RequestBody))).AsMemory(0, Length);

    public ReadOnlySpan<byte> Span => Memory.Span;

    // The server's limit counts chunked framing too (it would refuse bodies just under maxBytes) and answers without problem details.
    // ReadAsync enforces maxBytes instead; the server drains what is left unread for a few seconds at most.
    public static void LiftServerLimit(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = null;
        }
    }

    // Reads at most maxBytes; returns null as soon as the body (chunked or not) turns out to be larger.
    public static async Task<RequestBody?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        // One byte more than the declared length shows the end of the body without growing the buffer.
        var capacity = (int)Math.Min(request.ContentLength + 1 ?? InitialBufferBytes, maxBytes + 1L);
        var buffer = ArrayPool<byte>.Shared.Rent(capacity);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, maxBytes + 1L));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    var body = new RequestBody(buffer, length);
                    buffer = null;
                    return body;
                }

                length += read;
                if (length > maxBytes)
                {
                    return null;
                }
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server's own limit tripped first (it could not be lifted for this request).
            return null;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }
}
