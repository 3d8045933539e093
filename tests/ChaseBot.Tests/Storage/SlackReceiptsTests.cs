using ChaseBot.Core.Slack;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Storage;

/// <summary>Each of Slack's deliveries taken once, across Bot replicas sharing one database (both providers).</summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class SlackReceiptsTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Two_replicas_racing_for_the_same_envelope_take_it_once()
    {
        var clock = Clocks.At("2026-11-23T10:00:00Z");
        var (first, second) = (new SlackReceipts(_db.Factory, clock), new SlackReceipts(_db.Factory, clock));

        var taken = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            (i % 2 == 0 ? first : second).FirstTimeAsync("envelope:5ba9e8e4-aaaa"))));

        Assert.Single(taken, t => t);
        Assert.True(await first.FirstTimeAsync("envelope:another"));
    }

    [Fact]
    public async Task Receipts_older_than_a_day_are_swept_and_recent_ones_kept()
    {
        var clock = Clocks.At("2026-11-23T10:00:00Z");
        var receipts = new SlackReceipts(_db.Factory, clock);
        Assert.True(await receipts.FirstTimeAsync("event:Ev1"));
        clock.Advance(TimeSpan.FromHours(23));
        Assert.True(await receipts.FirstTimeAsync("event:Ev2"));

        clock.Advance(TimeSpan.FromHours(2));
        Assert.True(await receipts.FirstTimeAsync("event:Ev3"));

        await using var db = _db.Open();
        Assert.Equal(["event:Ev2", "event:Ev3"], await db.SlackReceipts.Select(r => r.Key).OrderBy(k => k).ToListAsync());
        Assert.False(await receipts.FirstTimeAsync("event:Ev2"));
    }
}
