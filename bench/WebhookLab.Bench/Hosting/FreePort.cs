using System.Net;
using System.Net.Sockets;

namespace WebhookLab.Bench.Hosting;

public static class FreePort
{
    // A port nothing listens on right now; the service binds it a moment later.
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
