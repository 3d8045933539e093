using ChaseBot.Core.Delivery;
using Microsoft.EntityFrameworkCore;
using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Chasing;

[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class OutboxTests
{
    [Fact]
    public async Task A_temporary_failure_is_retried_with_backoff_and_delivered_later()
    {
        using var h = new ChaseHarness();
        await h.InvoiceAsync(await h.ClientAsync("A"), "A-1", 3);
        await h.Runner.RunAsync();
        var failures = 2;
        h.Platform.Fail = _ => failures-- > 0 ? new TransientDeliveryException("429 rate limited") : null;

        var first = await h.Drainer.DrainAsync();
        Assert.Equal((0, 1), (first.Delivered, first.Retrying));
        var waiting = Assert.Single(await h.OutboxAsync());
        Assert.Equal(1, waiting.Attempts);
        Assert.True(waiting.NextAttemptAt > h.Clock.GetUtcNow().UtcDateTime);
        Assert.Contains("429", waiting.LastError);
        Assert.Equal(0, (await h.Drainer.DrainAsync()).Delivered); // not before the backoff has passed

        h.Clock.Advance(TimeSpan.FromMinutes(1));
        await h.Drainer.DrainAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(2));
        var delivered = await h.Drainer.DrainAsync();

        Assert.Equal(1, delivered.Delivered);
        Assert.Single(h.Platform.Sent);
        Assert.Equal(3, Assert.Single(await h.OutboxAsync()).Attempts);
    }

    [Fact]
    public async Task A_message_that_cannot_be_delivered_is_dead_lettered_and_kept_with_its_error()
    {
        using var h = new ChaseHarness();
        await h.InvoiceAsync(await h.ClientAsync("A"), "A-1", 3);
        await h.Runner.RunAsync();
        h.Platform.Fail = _ => new TransientDeliveryException("503");

        for (var attempt = 0; attempt < OutboxDrainer.MaxAttempts + 2; attempt++)
        {
            await h.Drainer.DrainAsync();
            h.Clock.Advance(TimeSpan.FromHours(2));
        }

        var message = Assert.Single(await h.OutboxAsync());
        Assert.NotNull(message.DeadLetteredAt);
        Assert.Equal(OutboxDrainer.MaxAttempts, message.Attempts);
        Assert.Contains("503", message.LastError);
        Assert.Null(message.DeliveredAt);
    }

    [Fact]
    public async Task A_permanent_failure_is_dead_lettered_at_once_and_other_messages_still_go()
    {
        using var h = new ChaseHarness();
        await h.InvoiceAsync(await h.ClientAsync("Gone Channel Co", c => c.Channel = "#archived"), "G-1", 3);
        await h.InvoiceAsync(await h.ClientAsync("Fine Co"), "F-1", 3);
        await h.Runner.RunAsync();
        h.Platform.Fail = m => m.Target == "#archived" ? new InvalidOperationException("channel_not_found") : null;

        var result = await h.Drainer.DrainAsync();

        Assert.Equal((1, 1), (result.Delivered, result.DeadLettered));
        var dead = await h.QueryAsync(db => db.Outbox.SingleAsync(m => m.DeadLetteredAt != null));
        Assert.Contains("channel_not_found", dead.LastError);
    }

    [Fact]
    public async Task A_message_claimed_by_another_worker_is_not_sent_twice()
    {
        using var h = new ChaseHarness();
        await h.InvoiceAsync(await h.ClientAsync("A"), "A-1", 3);
        await h.Runner.RunAsync();
        await h.QueryAsync(db => db.Outbox.ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimedUntil, h.Clock.GetUtcNow().UtcDateTime.AddMinutes(5))));

        Assert.Equal(0, (await h.Drainer.DrainAsync()).Delivered);
        h.Clock.Advance(TimeSpan.FromMinutes(6)); // that worker died: its lease expires
        Assert.Equal(1, (await h.Drainer.DrainAsync()).Delivered);
    }
}
