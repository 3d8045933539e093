using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ChaseBot.Core.Ledger;

namespace ChaseBot.Core.Delivery;

public sealed record DrainSummary(int Delivered, int Retrying, int DeadLettered);

/// <summary>
/// Delivers outbox messages whose time has come, oldest first. Each row is claimed with a short lease before it is
/// sent, so two Workers never send the same message; it is marked delivered only after the platform accepted it.
/// Temporary failures retry with exponential backoff; a message that cannot be delivered is dead-lettered: kept,
/// with its last error, never dropped.
/// </summary>
public sealed partial class OutboxDrainer(IDbContextFactory<ChaseDbContext> dbFactory, IChatPlatform platform, TimeProvider clock,
    ILogger<OutboxDrainer>? log = null, TimeSpan? lease = null, TimeZoneInfo? zone = null, ISendGate? gate = null)
{
    /// <summary>Chase:TimeZone: "Sent to … at 10:02 GMT" is read by people who keep that zone's time.</summary>
    private readonly TimeZoneInfo _zone = zone ?? TimeZoneInfo.Utc;
    public const int MaxAttempts = 8;
    /// <summary>
    /// How long a claim holds. A Worker that dies mid-send leaves its message claimed: it is sent again once the lease
    /// is over, which is the one case where a message can reach the platform twice (it may have got there already).
    /// </summary>
    private readonly TimeSpan _lease = lease ?? DeliveryOptions.DefaultLease;

    /// <summary>
    /// SQLite has one writer at a time, and a writer that finds the lock taken sleeps and retries. With hundreds of
    /// channels recording deliveries at once that sleeping dominated (measured: 21 s for a 9 s delivery); queueing the
    /// writes here instead costs nothing. PostgreSQL locks rows, so its writes go straight through.
    /// </summary>
    private readonly SemaphoreSlim _sqliteWrites = new(1, 1);

    private async Task<T> WriteAsync<T>(bool queue, Func<Task<T>> write)
    {
        if (!queue)
            return await write();
        await _sqliteWrites.WaitAsync(CancellationToken.None);
        try { return await write(); }
        finally { _sqliteWrites.Release(); }
    }

    /// <summary>Once stopping, how long a send already under way may take to finish before it is cut off.</summary>
    public static readonly TimeSpan InFlightGrace = TimeSpan.FromSeconds(10);
    private readonly ILogger _log = log ?? NullLogger<OutboxDrainer>.Instance;

    /// <summary>
    /// Delivers what is due. Cancelling <paramref name="cancellationToken"/> (shutdown) stops claiming messages; those
    /// already being sent get <see cref="InFlightGrace"/> to finish and be recorded, so a SIGTERM loses nothing and,
    /// short of a send cut off mid-request, sends nothing twice. The rest stay queued for the next drain.
    /// </summary>
    public async Task<DrainSummary> DrainAsync(CancellationToken cancellationToken = default)
    {
        // Enough per round to keep every parallel channel busy for a while: a round ends only when its slowest
        // channel has been paced through, so small rounds leave most channels idle (measured: 200 a round made 5,000
        // messages over 500 channels take 84 s against a 9 s minimum).
        var roundSize = Math.Max(200, platform.ParallelChannels * 20);
        using var span = Telemetry.ChaseTraces.Source.StartActivity("outbox drain");
        int delivered = 0, retrying = 0, dead = 0;
        var seen = new HashSet<long>();
        using var inFlight = new CancellationTokenSource();
        await using var stopping = cancellationToken.Register(() => inFlight.CancelAfter(InFlightGrace));
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = clock.GetUtcNow().UtcDateTime;
                List<OutboxMessage> due;
                await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
                    due = await db.Outbox.AsNoTracking()
                        .Where(m => m.DeliveredAt == null && m.DeadLetteredAt == null && m.NotBefore <= now &&
                                    (m.NextAttemptAt == null || m.NextAttemptAt <= now) && (m.ClaimedUntil == null || m.ClaimedUntil < now))
                        .OrderBy(m => m.NotBefore).ThenBy(m => m.Id).Take(roundSize).ToListAsync(cancellationToken);
                due.RemoveAll(m => !seen.Add(m.Id));
                if (due.Count == 0)
                    break;
                // Each channel's messages in order; channels side by side, as many as the platform allows.
                var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, platform.ParallelChannels) };
                await Parallel.ForEachAsync(due.GroupBy(m => m.Target), options, async (channel, _) =>
                {
                    var token = inFlight.Token;
                    await using var db = await dbFactory.CreateDbContextAsync(token);
                    var queue = db.Database.IsSqlite();
                    foreach (var message in channel)
                    {
                        if (cancellationToken.IsCancellationRequested)
                            return; // Stopping: claim nothing more; this channel's rest waits, in order, for the next drain.
                        // A claim left behind (a Worker killed, or cut off, while sending): the post may have been made.
                        var inFlightSince = message.ClaimedUntil is { } leftClaim ? leftClaim - _lease : (DateTime?)null;
                        var claimedAt = clock.GetUtcNow().UtcDateTime;
                        var claimed = await WriteAsync(queue, () => db.Outbox
                            .Where(m => m.Id == message.Id && m.DeliveredAt == null && (m.ClaimedUntil == null || m.ClaimedUntil < claimedAt))
                            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimedUntil, claimedAt + _lease), token));
                        if (claimed == 0)
                            continue; // Another Worker has it.
                        message.ClaimedUntil = claimedAt + _lease;
                        db.Outbox.Attach(message); // Tracked from here: the lease, as claimed, is its original value.
                        var platformName = new ChatTarget(message.Target).Platform.ToString().ToLowerInvariant();
                        if (gate is not null && await GateAsync(db, queue, message, token) is { } stopped)
                        {
                            if (stopped is GateVerdict.Hold)
                            {
                                Interlocked.Increment(ref retrying);
                                Count(platformName, "held");
                            }
                            continue;
                        }
                        switch (await SendAsync(db, queue, message, inFlightSince, token))
                        {
                            case true:
                                Interlocked.Increment(ref delivered);
                                Count(platformName, "sent");
                                break;
                            case false when message.DeadLetteredAt is not null:
                                Interlocked.Increment(ref dead);
                                Count(platformName, "dead_lettered");
                                break;
                            default:
                                Interlocked.Increment(ref retrying);
                                Count(platformName, "retrying");
                                return; // The channel is struggling (down, or told to wait): its other messages wait for the next drain.
                        }
                    }
                });
            }
        }
        finally
        {
            await platform.DrainedAsync(); // a mail connection kept for the next email is closed
        }
        span?.SetTag("chasebot.delivered", delivered).SetTag("chasebot.retrying", retrying).SetTag("chasebot.dead_lettered", dead);
        return new DrainSummary(delivered, retrying, dead);
    }

    private async Task<bool> SendAsync(ChaseDbContext db, bool queue, OutboxMessage message, DateTime? inFlightSince, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            var content = ChatMessage.FromJson(message.Body);
            // In flight when a Worker stopped: looked for first, so a post that got there is recorded, not made twice.
            // An update rewrites in place, the same however often: it is only sent again.
            var found = inFlightSince is { } since && message.Replaces is null
                ? await platform.FindDeliveredAsync(message, content, since, cancellationToken)
                : null;
            if (found is not null)
                _log.LogInformation("{Key} was posted before the Worker stopped ({Id}): recorded as delivered, not posted again", message.Key, found.PlatformMessageId);
            var result = found ?? await platform.SendAsync(message, content, cancellationToken);
            (message.DeliveredAt, message.Platform, message.PlatformMessageId, message.ClaimedUntil) =
                (now, platform.NameFor(message), result.PlatformMessageId, null);
            message.Attempts++;
            if (content.Email is { } sent && new ChatTarget(message.Target).Platform == TargetPlatform.Email)
                db.AuditEntries.Add(new Ledger.AuditEntry
                {
                    // What went to whom and when, as the server acknowledged it: the case's history reads it from here.
                    At = now, Actor = "chase", Action = AuditActions.EmailSent, Subject = Shorten(content.Title, 300),
                    Details = Shorten($"to {sent.To}" + (sent.Cc is null ? "" : $"; cc {sent.Cc}") + $"; subject {sent.Subject}; " +
                                      $"Message-ID {result.PlatformMessageId}; {result.Receipt}", 2000),
                });
            if (content.Email is { } mailed && OutboxKey.ChatMessageOf(message.Key) is { } chatKey)
            {
                await MarkSentAsync(db, queue, chatKey, mailed, now, cancellationToken);
                // The client has been contacted: later texts may say so ("our reminder of 3 March").
                if (content.Draft is { } draft)
                    await Chasing.ClientContacts.RecordAsync(db, chatKey.Value, draft, Chasing.ContactWay.Emailed, now, null, cancellationToken);
            }
            await WriteAsync(queue, () => db.SaveChangesAsync(CancellationToken.None)); // Delivered is recorded even if shutdown has begun.
            // Its email may have gone while this post was in flight, adding "Sent to …" to the row after this body was read:
            // read it again now that the post is recorded, and show the line by updating what was posted.
            // (Any message that announced an email: a reminder carries its draft, a notice or receipt only the line.)
            if (new ChatTarget(message.Target).Platform != TargetPlatform.Email &&
                content.Lines.Any(IsAnnouncement) &&
                await db.Outbox.AsNoTracking().Where(m => m.Id == message.Id).Select(m => m.Body).SingleAsync(CancellationToken.None) is var current &&
                current != message.Body && result.PlatformMessageId is { } postedId)
                await QueueSentUpdateAsync(queue, OutboxKey.Sent(message.Key), message.Target, message.Audience, current, postedId, now);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cut off by shutdown after the grace: whether the platform got it is unknown. The claim is left expired (not
            // cleared) so the next drain retries at once and first looks for the post; a retry is better than a lost message.
            message.ClaimedUntil = now;
            message.LastError = "interrupted by shutdown while sending; will be retried";
            await WriteAsync(queue, () => db.SaveChangesAsync(CancellationToken.None));
            return false;
        }
        catch (Exception e)
        {
            message.Attempts++;
            var error = $"{e.GetType().Name}: {e.Message}";
            message.LastError = error.Length > 2000 ? error[..2000] : error;
            // No answer (a timeout, a dropped connection): the platform may have taken it. The claim is left expired, so
            // the retry looks for the post first; an answer that refused it clears the claim.
            message.ClaimedUntil = e is TimeoutException or TaskCanceledException or HttpRequestException ? now : null;
            var transient = e is TransientDeliveryException or HttpRequestException or TimeoutException
                or TaskCanceledException; // an HTTP timeout, not our shutdown (handled above)
            if (!transient || message.Attempts >= MaxAttempts)
            {
                message.DeadLetteredAt = now;
                _log.LogError("Dead-lettered outbox message {Key} after {Attempts} attempts: {Error}", message.Key, message.Attempts, message.LastError);
                if (ChatMessage.FromJson(message.Body) is { Email: { } unsent, FailuresTo: { } channel } failed)
                    // Said in words where the client is chased, once: the row's key makes a second notice impossible.
                    OutboxQueue.Add(db, OutboxKey.EmailFailed(message.Id), OutboxKinds.EmailFailed, channel, new ChatMessage
                    {
                        Title = $"Couldn't email {failed.Title} ({unsent.To}): {FirstLine(e.Message)}",
                        Lines = [$"\"{unsent.Subject}\" was not sent. Check the address (/chase client \"{failed.Title}\" email …) and send the draft by hand."],
                    }, now, now);
            }
            else
            {
                var backoff = (e as TransientDeliveryException)?.RetryAfter ??
                              TimeSpan.FromSeconds(Math.Min(3600, 15 * Math.Pow(2, message.Attempts - 1)) * (0.8 + Random.Shared.NextDouble() * 0.4));
                message.NextAttemptAt = now + backoff;
                _log.LogWarning("Delivery of {Key} failed (attempt {Attempts}); retrying after {Backoff}: {Error}",
                    message.Key, message.Attempts, backoff, message.LastError);
            }
            await WriteAsync(queue, () => db.SaveChangesAsync(CancellationToken.None));
            return false;
        }
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max];

    private static void Count(string platform, string outcome) =>
        Telemetry.ChaseMetrics.Messages.Add(1, new KeyValuePair<string, object?>("platform", platform), new KeyValuePair<string, object?>("outcome", outcome));

    private static string FirstLine(string text) => Shorten(text.Split('\n')[0].Trim(), 300);

    /// <summary>
    /// The chat message that drafted the email says it went ("Sent to … at 09:02 GMT on 7 Dec", in Chase:TimeZone): the
    /// row's body is rewritten at once, so a post still waiting goes with the line; a post already made is updated in
    /// place. A post in flight at this moment is caught by whichever side looks last: this one, which reads the row
    /// again after writing it, or the post's own, which reads the body again after recording the post.
    /// </summary>
    private async Task MarkSentAsync(ChaseDbContext db, bool queue, OutboxKey chatKey, EmailDraft mailed, DateTime now,
        CancellationToken cancellationToken)
    {
        var chat = await db.Outbox.AsNoTracking().FirstOrDefaultAsync(m => m.Key == chatKey.Value, cancellationToken);
        if (chat is null)
            return;
        var line = $"Sent to {mailed.To}" + (mailed.Cc is null ? "" : $" cc {mailed.Cc}") + $" at {Text.ZoneTime.ClockAndDay(new DateTimeOffset(now, TimeSpan.Zero), _zone)}.";
        var body = ChatMessage.FromJson(chat.Body);
        // What ChaseBot was going to do is now what it did: one line, not both.
        var marked = (body with { Lines = [.. body.Lines.Where(l => !IsAnnouncement(l)), line] }).ToJson();
        await WriteAsync(queue, () => db.Outbox.Where(m => m.Id == chat.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Body, marked), CancellationToken.None));
        var posted = await db.Outbox.AsNoTracking().Where(m => m.Id == chat.Id).Select(m => new { m.DeliveredAt, m.PlatformMessageId })
            .SingleAsync(CancellationToken.None);
        if (posted is { DeliveredAt: not null, PlatformMessageId: { } postedId })
            await QueueSentUpdateAsync(queue, OutboxKey.Sent(chatKey), chat.Target, chat.Audience, marked, postedId, now);
    }

    /// <summary>
    /// Queues the update that shows a posted message's "Sent to" line, once: both sides of a race may ask, and the row's
    /// unique key keeps the second out. Written on a context of its own, so a refusal never touches the caller's changes.
    /// </summary>
    private async Task QueueSentUpdateAsync(bool queue, OutboxKey sent, string target, Audience audience, string body, string postedId, DateTime now)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        if (await db.Outbox.AnyAsync(m => m.Key == sent.Value, CancellationToken.None))
            return;
        OutboxQueue.Add(db, sent, OutboxKinds.CardUpdate, target, body, now, now, audience, replaces: postedId);
        try
        {
            await WriteAsync(queue, () => db.SaveChangesAsync(CancellationToken.None));
        }
        catch (DbUpdateException e) when (UniqueViolation.Is(e))
        {
            // The other side queued it a moment ago.
        }
    }
}
