using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Slack;

/// <summary>A request from Slack that has been taken on: its envelope id (Socket Mode) or event id (Events API).</summary>
public sealed class SlackReceipt
{
    public required string Key { get; set; }
    public DateTime ReceivedAt { get; set; }
}

/// <summary>
/// Processes each of Slack's requests once. Slack delivers a request again when it did not see it acknowledged in
/// time, possibly to another connection of another Bot replica, so "seen before" lives in the database every replica
/// shares: the first to insert the key takes the request, everyone after it only acknowledges. A request is taken
/// before it is handled, so a Bot that dies mid-way does not get it again (at most once: a command typed twice is
/// better than a payment logged twice).
/// </summary>
public sealed class SlackReceipts(IDbContextFactory<ChaseDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>Slack retries within minutes (the Events API over about an hour); a day is plenty.</summary>
    public static readonly TimeSpan Kept = TimeSpan.FromDays(1);

    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(10);
    private long _nextSweepTicks;
    private readonly RecentlySeen _seenHere = new(Kept);

    /// <summary>True for the first delivery of <paramref name="key"/>, false for any later one.</summary>
    /// <param name="everywhere">
    /// False for a request that only reads (a status): answering it twice changes nothing, so it is taken once in this
    /// process only, and writes nothing (a write could wait behind an import's lock, and Slack's 3 seconds with it).
    /// </param>
    public async Task<bool> FirstTimeAsync(string key, CancellationToken cancellationToken = default, bool everywhere = true)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (!_seenHere.FirstSighting(key, now))
            return false;
        if (!everywhere)
            return true;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Set<SlackReceipt>().Add(new SlackReceipt { Key = key.Length <= 255 ? key : key[..255], ReceivedAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (UniqueViolation.Is(e))
        {
            return false;
        }
        catch
        {
            _seenHere.Forget(key); // not taken after all: Slack's next delivery may try again
            throw;
        }
        var next = Interlocked.Read(ref _nextSweepTicks);
        if (now.Ticks >= next && Interlocked.CompareExchange(ref _nextSweepTicks, (now + SweepEvery).Ticks, next) == next)
        {
            var before = now - Kept;
            await db.Set<SlackReceipt>().Where(r => r.ReceivedAt < before).ExecuteDeleteAsync(cancellationToken);
        }
        return true;
    }
}
