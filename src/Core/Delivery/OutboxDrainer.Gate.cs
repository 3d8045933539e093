using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ChaseBot.Core.Ledger;

namespace ChaseBot.Core.Delivery;

/// <summary>The check before sending (<see cref="ISendGate"/>), and the chat message that announced an email rewritten to say what became of it.</summary>
public sealed partial class OutboxDrainer
{
    /// <summary>
    /// The check before a client email (<see cref="ISendGate"/>): null to send it; otherwise it was held (tried again
    /// later, never sent unchecked) or withdrawn (kept, with why), and the chat message that announced it says which.
    /// </summary>
    private async Task<GateVerdict?> GateAsync(ChaseDbContext db, bool queue, OutboxMessage message, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        GateVerdict verdict;
        try
        {
            verdict = await gate!.CheckAsync(message, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.LogError(e, "The check before sending {Key} failed; holding it", message.Key);
            verdict = new GateVerdict.Hold(now + TimeSpan.FromMinutes(5), "ChaseBot could not check it before sending");
        }
        string line;
        switch (verdict)
        {
            case GateVerdict.Hold hold:
                (message.NextAttemptAt, message.LastError, message.ClaimedUntil) = (hold.Until, $"held: {hold.Why}", null);
                line = $"Held, not sent yet: {hold.Why}.";
                _log.LogWarning("Held {Key}: {Why}", message.Key, hold.Why);
                break;
            case GateVerdict.SendAsItNowReads:
                message.Body = await db.Outbox.AsNoTracking().Where(m => m.Id == message.Id).Select(m => m.Body).SingleAsync(cancellationToken);
                return null;
            case GateVerdict.Withdraw withdraw:
                (message.DeadLetteredAt, message.LastError, message.ClaimedUntil) = (now, $"withdrawn before it was sent: {withdraw.Why}", null);
                line = $"Not sent, because {withdraw.Why}. Nothing went to the client; the chase goes on from what is owed now.";
                if (ChatMessage.FromJson(message.Body).Email is { } email)
                    db.AuditEntries.Add(new Ledger.AuditEntry
                    {
                        At = now, Actor = "chase", Action = AuditActions.EmailWithdrawn, Subject = Shorten(ChatMessage.FromJson(message.Body).Title, 300),
                        Details = Shorten($"to {email.To}; subject {email.Subject}; {withdraw.Why}", 2000),
                    });
                _log.LogInformation("Withdrew {Key} before sending: {Why}", message.Key, withdraw.Why);
                break;
            default:
                return null;
        }
        await WriteAsync(queue, () => db.SaveChangesAsync(CancellationToken.None));
        if (OutboxKey.ChatMessageOf(message.Key) is { } chatKey)
            await AnnounceAsync(db, queue, chatKey, line, verdict is GateVerdict.Hold ? "held" : "withdrawn", now, cancellationToken);
        return verdict;
    }

    /// <summary>The chat message that said "ChaseBot emails …" says instead what became of it, in place, once.</summary>
    private async Task AnnounceAsync(ChaseDbContext db, bool queue, OutboxKey chatKey, string line, string what, DateTime now,
        CancellationToken cancellationToken)
    {
        var chat = await db.Outbox.AsNoTracking().FirstOrDefaultAsync(m => m.Key == chatKey.Value, cancellationToken);
        if (chat is null)
            return;
        var body = ChatMessage.FromJson(chat.Body);
        var rewritten = (body with { Lines = [.. body.Lines.Where(l => !IsAnnouncement(l)), line] }).ToJson();
        if (rewritten == chat.Body)
            return;
        await WriteAsync(queue, () => db.Outbox.Where(m => m.Id == chat.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Body, rewritten), CancellationToken.None));
        var posted = await db.Outbox.AsNoTracking().Where(m => m.Id == chat.Id).Select(m => new { m.DeliveredAt, m.PlatformMessageId })
            .SingleAsync(CancellationToken.None);
        if (posted is { DeliveredAt: not null, PlatformMessageId: { } postedId })
            await QueueSentUpdateAsync(queue, OutboxKey.Announced(chatKey, what), chat.Target, chat.Audience, rewritten, postedId, now);
    }

    /// <summary>A line that says what ChaseBot will do, or did, with the email: one at a time.</summary>
    private static bool IsAnnouncement(string line) =>
        line.StartsWith(Chasing.ChaseMessages.WillEmail, StringComparison.Ordinal) || line.StartsWith("Held, not sent yet: ", StringComparison.Ordinal) ||
        line.StartsWith("Not sent, because ", StringComparison.Ordinal);
}
