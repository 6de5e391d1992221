using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace WebhookLab.Tests.Emitter;

// A webhook endpoint on 127.0.0.1 whose answers a test decides, request by request; it keeps what it was sent.
public sealed class TestEndpoint : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public TestEndpoint(Func<int, HttpListenerResponse, int>? answer = null)
    {
        Answer = answer ?? ((_, _) => 204);
        using (var socket = new TcpListener(IPAddress.Loopback, 0))
        {
            socket.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)socket.LocalEndpoint).Port}/hooks/";
        }

        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    // Given the 1-based number of the request and the response to decorate, returns the status code to answer.
    public Func<int, HttpListenerResponse, int> Answer { get; set; }

    public ConcurrentQueue<(DateTimeOffset At, string WebhookId, string Signature)> Requests { get; } = new();

    public ConcurrentQueue<string> TraceParents { get; } = new();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                await context.Request.InputStream.CopyToAsync(Stream.Null);
                TraceParents.Enqueue(context.Request.Headers["traceparent"] ?? "");
                Requests.Enqueue((DateTimeOffset.UtcNow, context.Request.Headers["webhook-id"] ?? "", context.Request.Headers["webhook-signature"] ?? ""));
                context.Response.StatusCode = Answer(Requests.Count, context.Response);
                context.Response.Close();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or IOException)
            {
                // The endpoint was closed, or the client gave up, while this answer was on its way.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
