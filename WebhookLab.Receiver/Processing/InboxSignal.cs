using System.Threading.Channels;

namespace WebhookLab.Receiver.Processing;

// Wakes the processor as soon as a new webhook is committed; signals sent while it is busy collapse into one.
public sealed class InboxSignal(TimeProvider timeProvider)
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Notify() => _channel.Writer.TryWrite(true);

    // Returns when notified or when the timeout elapses, whichever comes first.
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            await _channel.Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout: the processor polls anyway, in case a signal was missed.
        }
    }
}
