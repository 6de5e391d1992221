using System.Text.Json;
using Microsoft.Data.Sqlite;
using WebhookLab.Emitter.Model;
using WebhookLab.ServiceDefaults.Webhooks;

namespace WebhookLab.Tests.Unit;

public class OutboxTests
{
    private static Subscription NewSubscription(string id, params string[] eventTypes) =>
        new(id, $"http://127.0.0.1:9/{id}", eventTypes, WebhookSecret.Generate(), null, true, 0);

    private static JsonElement Data(object value) => JsonSerializer.SerializeToElement(value);

    [Fact]
    public async Task AnOrderItsEventAndOneDeliveryPerMatchingSubscriptionCommitTogether()
    {
        await using var store = new EmitterStore();
        await store.Subscriptions.SaveAsync(NewSubscription("sub_all"), store.Time.GetUtcNow(), default);
        await store.Subscriptions.SaveAsync(NewSubscription("sub_orders", "order.created"), store.Time.GetUtcNow(), default);
        await store.Subscriptions.SaveAsync(NewSubscription("sub_invoices", "invoice.paid"), store.Time.GetUtcNow(), default);

        var order = await store.Outbox.CreateOrderAsync("Ada", 12.5m, default);

        Assert.StartsWith("ord_", order.Id);
        Assert.StartsWith("msg_", order.EventId);
        Assert.Equal(1, store.Count("orders"));
        Assert.Equal(1, store.Count("events"));
        Assert.Equal(2, store.Count("deliveries"));

        var claimed = await store.Queue.ClaimAsync(store.Time.GetUtcNow().ToUnixTimeMilliseconds(), long.MaxValue, 10, "test", default);
        Assert.Equal(["sub_all", "sub_orders"], claimed.Select(c => c.SubscriptionId).Order());
        using var body = JsonDocument.Parse(claimed[0].Body);
        Assert.Equal("order.created", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(order.Id, body.RootElement.GetProperty("data").GetProperty("orderId").GetString());
        Assert.Equal(12.5m, body.RootElement.GetProperty("data").GetProperty("amount").GetDecimal());
    }

    [Fact]
    public async Task WhenAnyPartOfTheOutboxWriteFailsNothingIsStored()
    {
        await using var store = new EmitterStore();
        await store.Subscriptions.SaveAsync(NewSubscription("sub_all"), store.Time.GetUtcNow(), default);
        // The last statement of the transaction fails: the order and the event written before it must go too.
        store.Execute("CREATE TRIGGER fail_deliveries BEFORE INSERT ON deliveries BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;");

        await Assert.ThrowsAsync<SqliteException>(() => store.Outbox.CreateOrderAsync("Ada", 12.5m, default));

        Assert.Equal(0, store.Count("orders"));
        Assert.Equal(0, store.Count("events"));
        Assert.Equal(0, store.Count("deliveries"));
    }

    [Fact]
    public async Task OneFailedWriteDoesNotTakeDownTheOthersSharingItsCommit()
    {
        await using var store = new EmitterStore();
        await store.Subscriptions.SaveAsync(NewSubscription("sub_all"), store.Time.GetUtcNow(), default);
        store.Execute("CREATE TRIGGER fail_poison BEFORE INSERT ON events WHEN NEW.type = 'poison' BEGIN SELECT RAISE(ABORT, 'poison'); END;");

        // Queued together, these share group commits; the poisoned one rolls back alone.
        var writes = Enumerable.Range(0, 200)
            .Select(i => store.Outbox.PublishAsync(i % 10 == 0 ? "poison" : "test.event", Data(new { i }), null, default))
            .ToList();
        var outcomes = await Task.WhenAll(writes.Select(async w => { try { await w; return true; } catch (SqliteException) { return false; } }));

        Assert.Equal(20, outcomes.Count(ok => !ok));
        Assert.Equal(180, store.Count("events"));
        Assert.Equal(180, store.Count("deliveries"));
        Assert.True(store.Database.Writer.Commits < 200, $"{store.Database.Writer.Commits} commits for 200 writes: they should share commits.");
    }

    [Fact]
    public async Task TheSameIdempotencyKeyAnswersTheFirstEventAndAddsNoDeliveries()
    {
        await using var store = new EmitterStore();
        await store.Subscriptions.SaveAsync(NewSubscription("sub_all"), store.Time.GetUtcNow(), default);

        var first = await store.Outbox.PublishAsync("test.event", Data(new { n = 1 }), "key-1", default);
        await store.Subscriptions.SaveAsync(NewSubscription("sub_later"), store.Time.GetUtcNow(), default);
        var again = await store.Outbox.PublishAsync("test.event", Data(new { n = 1 }), "key-1", default);

        Assert.Equal(first, again);
        Assert.Equal(1, first.Deliveries);
        Assert.Equal(1, store.Count("events"));
        Assert.Equal(1, store.Count("deliveries"));
    }

    [Fact]
    public async Task AClaimIsALeaseThatComesDueAgainWhenItExpires()
    {
        await using var store = new EmitterStore();
        await store.Subscriptions.SaveAsync(NewSubscription("sub_all"), store.Time.GetUtcNow(), default);
        await store.Outbox.PublishAsync("test.event", Data(new { n = 1 }), null, default);
        var now = store.Time.GetUtcNow().ToUnixTimeMilliseconds();

        var first = await store.Queue.ClaimAsync(now, now + 30_000, 10, "crashed-process", default);
        var whileLeased = await store.Queue.ClaimAsync(now + 29_999, now + 60_000, 10, "other", default);
        var afterExpiry = await store.Queue.ClaimAsync(now + 30_000, now + 60_000, 10, "other", default);

        Assert.Single(first);
        Assert.Empty(whileLeased);
        Assert.Equal(first[0].Id, Assert.Single(afterExpiry).Id);
    }
}
