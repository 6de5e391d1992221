using System.Diagnostics;

namespace WebhookLab.Bench.Measurement;

// The one way the bench waits for something: a condition checked at an interval, within a timeout.
public static class Poll
{
    public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan timeout, TimeSpan interval, CancellationToken cancellationToken, Action? eachTime = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            eachTime?.Invoke();
            if (condition())
            {
                return true;
            }

            if (clock.Elapsed >= timeout)
            {
                return false;
            }

            await Task.Delay(interval, cancellationToken);
        }
    }
}
