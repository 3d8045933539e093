using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChaseBot.Core.Delivery;

public sealed record DrainSummary(int Delivered, int Retrying, int DeadLettered);

/// <summary>
/// Delivers outbox messages whose time has come, oldest first. Each row is claimed with a short lease before it is
/// sent, so two Workers never send the same message; it is marked delivered only after the platform accepted it.
/// Temporary failures retry with exponential backoff; a message that cannot be delivered is dead-lettered: kept,
/// with its last error, never dropped.
/// </summary>
public sealed class OutboxDrainer(IDbContextFactory<ChaseDbContext> dbFactory, IChatPlatform platform, TimeProvider clock,
    ILogger<OutboxDrainer>? log = null)
{
    public const int MaxAttempts = 8;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private readonly ILogger _log = log ?? NullLogger<OutboxDrainer>.Instance;

    public async Task<DrainSummary> DrainAsync(CancellationToken cancellationToken = default)
    {
        int delivered = 0, retrying = 0, dead = 0;
        var seen = new HashSet<long>();
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var due = await db.Outbox
                .Where(m => m.DeliveredAt == null && m.DeadLetteredAt == null && m.NotBefore <= now &&
                            (m.NextAttemptAt == null || m.NextAttemptAt <= now) && (m.ClaimedUntil == null || m.ClaimedUntil < now))
                .OrderBy(m => m.NotBefore).ThenBy(m => m.Id).Take(50).ToListAsync(cancellationToken);
            due.RemoveAll(m => !seen.Add(m.Id));
            if (due.Count == 0)
                break;
            foreach (var message in due)
            {
                var claimed = await db.Outbox.Where(m => m.Id == message.Id && m.DeliveredAt == null && (m.ClaimedUntil == null || m.ClaimedUntil < now))
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimedUntil, now + Lease), cancellationToken);
                if (claimed == 0)
                    continue; // Another Worker has it.
                // The claim was a set-based update: tell the change tracker, so releasing it later is saved.
                var lease = db.Entry(message).Property(m => m.ClaimedUntil);
                (lease.OriginalValue, lease.CurrentValue) = (now + Lease, now + Lease);
                switch (await SendAsync(db, message, cancellationToken))
                {
                    case true: delivered++; break;
                    case false when message.DeadLetteredAt is not null: dead++; break;
                    default: retrying++; break;
                }
            }
        }
        return new DrainSummary(delivered, retrying, dead);
    }

    private async Task<bool> SendAsync(ChaseDbContext db, OutboxMessage message, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            var result = await platform.SendAsync(message, ChatMessage.FromJson(message.Body), cancellationToken);
            (message.DeliveredAt, message.Platform, message.PlatformMessageId, message.ClaimedUntil) =
                (now, platform.Name, result.PlatformMessageId, null);
            message.Attempts++;
            await db.SaveChangesAsync(CancellationToken.None); // Delivered is recorded even if shutdown has begun.
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            message.Attempts++;
            var error = $"{e.GetType().Name}: {e.Message}";
            message.LastError = error.Length > 2000 ? error[..2000] : error;
            message.ClaimedUntil = null;
            var transient = e is TransientDeliveryException or HttpRequestException or TimeoutException;
            if (!transient || message.Attempts >= MaxAttempts)
            {
                message.DeadLetteredAt = now;
                _log.LogError("Dead-lettered outbox message {Key} after {Attempts} attempt(s): {Error}", message.Key, message.Attempts, message.LastError);
            }
            else
            {
                var backoff = (e as TransientDeliveryException)?.RetryAfter ??
                              TimeSpan.FromSeconds(Math.Min(3600, 15 * Math.Pow(2, message.Attempts - 1)) * (0.8 + Random.Shared.NextDouble() * 0.4));
                message.NextAttemptAt = now + backoff;
                _log.LogWarning("Delivery of {Key} failed (attempt {Attempts}); retrying after {Backoff}: {Error}",
                    message.Key, message.Attempts, backoff, message.LastError);
            }
            await db.SaveChangesAsync(CancellationToken.None);
            return false;
        }
    }
}
