using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using WebhookLab.Emitter.Options;

namespace WebhookLab.Emitter.Delivery;

// Keeps webhooks off private networks unless Emitter:AllowPrivateNetworks is on: once when a subscription URL is
// accepted, and again on every connection, on the address actually dialled, so DNS rebinding cannot get around it.
public sealed class DestinationGuard(IOptions<EmitterOptions> options)
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(3);

    public bool AllowsPrivateNetworks => options.Value.AllowPrivateNetworks;

    // An error for the API when the URL's host is (or resolves to) an address webhooks may not go to; else null.
    public async Task<string?> CheckUrlAsync(Uri url, CancellationToken cancellationToken)
    {
        if (AllowsPrivateNetworks)
        {
            return null;
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(url.IdnHost, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ResolveTimeout);
            try
            {
                addresses = await Dns.GetHostAddressesAsync(url.IdnHost, timeout.Token);
            }
            catch (Exception exception) when (exception is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not resolvable now: the check at connect time still applies when it is.
                return null;
            }
        }

        return addresses.All(AddressPolicy.IsPublic)
            ? null
            : "The URL points to a loopback, private, link-local, multicast or reserved address; webhooks go to public addresses only.";
    }

    // The connection step of the delivery HttpClient when private networks are not allowed.
    public static async ValueTask<Stream> ConnectToPublicAddressAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(AddressPolicy.IsPublic).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(
                $"Blocked: {host} resolves only to loopback, private, link-local, multicast or reserved addresses (Emitter:AllowPrivateNetworks is off).");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
