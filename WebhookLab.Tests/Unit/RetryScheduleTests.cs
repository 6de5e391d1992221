using Microsoft.Extensions.Time.Testing;
using WebhookLab.Emitter.Delivery;
using WebhookLab.Emitter.Options;

namespace WebhookLab.Tests.Unit;

public class RetryScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void DefaultScheduleIsSvixsEightAttemptsOverAboutADay()
    {
        var schedule = new RetrySchedule(Microsoft.Extensions.Options.Options.Create(new DeliveryOptions { Jitter = 0 }));

        Assert.Equal(8, schedule.MaxAttempts);
        var time = new FakeTimeProvider(Start);
        var expected = new[] { "00:00:05", "00:05:00", "00:30:00", "02:00:00", "05:00:00", "10:00:00", "10:00:00" };
        for (var attempt = 1; attempt <= expected.Length; attempt++)
        {
            var next = schedule.NextAttemptAt(attempt, time.GetUtcNow());
            Assert.Equal(time.GetUtcNow() + TimeSpan.Parse(expected[attempt - 1]), next);
            time.SetUtcNow(next!.Value);
        }

        Assert.Null(schedule.NextAttemptAt(8, time.GetUtcNow()));
        Assert.Equal(Start + TimeSpan.FromHours(27) + TimeSpan.FromMinutes(35) + TimeSpan.FromSeconds(5), time.GetUtcNow());
    }

    [Fact]
    public void JitterSpreadsEachDelayWithinTwentyPercentBothWays()
    {
        var options = new DeliveryOptions { RetrySchedule = [TimeSpan.FromMinutes(10)], Jitter = 0.2 };
        var schedule = new RetrySchedule(Microsoft.Extensions.Options.Options.Create(options), new Random(42));
        var time = new FakeTimeProvider(Start);

        var delays = Enumerable.Range(0, 2000).Select(_ => schedule.NextAttemptAt(1, time.GetUtcNow())!.Value - Start).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(12)));
        // Spread over the whole window, not stuck at the nominal delay.
        Assert.True(delays.Min() < TimeSpan.FromMinutes(8.5) && delays.Max() > TimeSpan.FromMinutes(11.5));
    }

    [Fact]
    public void ConfiguredScheduleReplacesTheDefaultAndEndsAfterItsLastDelay()
    {
        var options = new DeliveryOptions { RetrySchedule = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], Jitter = 0 };
        var schedule = new RetrySchedule(Microsoft.Extensions.Options.Options.Create(options));

        Assert.Equal(3, schedule.MaxAttempts);
        Assert.Equal(Start.AddSeconds(1), schedule.NextAttemptAt(1, Start));
        Assert.Equal(Start.AddSeconds(2), schedule.NextAttemptAt(2, Start));
        Assert.Null(schedule.NextAttemptAt(3, Start));
    }
}
