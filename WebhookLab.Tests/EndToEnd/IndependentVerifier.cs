using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;

namespace WebhookLab.Tests.EndToEnd;

// A webhook endpoint on 127.0.0.1 that checks every request with the independent StandardWebhooks library
// (not WebhookLab's code) and keeps what it saw.
public sealed class IndependentVerifier : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private string? _secret;

    public IndependentVerifier()
    {
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}/hooks/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public ConcurrentQueue<Seen> Requests { get; } = new();

    public void Trust(string secret) => _secret = secret;

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

            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var headers = new HeaderDictionary();
            foreach (var name in context.Request.Headers.AllKeys)
            {
                headers[name!] = context.Request.Headers[name];
            }

            string? failure = null;
            try
            {
                new StandardWebhook(_secret ?? throw new InvalidOperationException("no secret yet")).Verify(body, headers);
            }
            catch (Exception exception)
            {
                failure = exception.Message;
            }

            Requests.Enqueue(new Seen(headers["webhook-id"].ToString(), headers["traceparent"].ToString(), context.Request.ContentType, body, failure));
            try
            {
                context.Response.StatusCode = failure is null ? 204 : 401;
                context.Response.Close();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or IOException)
            {
                // The verifier was closed, or the client gave up, while this answer was on its way.
            }
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }

    public sealed record Seen(string WebhookId, string TraceParent, string? ContentType, string Body, string? VerificationFailure);
}
