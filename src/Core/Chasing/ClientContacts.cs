using ChaseBot.Core.Delivery;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Chasing;

/// <summary>
/// Records what reached a client: an email the server accepted (by the outbox), or a draft a person says they sent (the
/// "Mark as sent" button, /chase sent). Recorded once per draft, whichever comes first.
/// </summary>
public static class ClientContacts
{
    /// <summary>The button on a draft that a person sends themselves; its value is the draft's outbox key.</summary>
    public const string MarkSentAction = "draft.mark-sent";

    public const string MarkSentLabel = "Mark as sent";

    /// <summary>Records the draft keyed <paramref name="draftKey"/> as delivered, unless it already is. False when it was.</summary>
    public static async Task<bool> RecordAsync(ChaseDbContext db, string draftKey, ClientDraft draft, ContactWay way, DateTime at, string? by,
        CancellationToken cancellationToken)
    {
        if (db.ClientContacts.Local.Any(c => c.DraftKey == draftKey) ||
            await db.ClientContacts.AnyAsync(c => c.DraftKey == draftKey, cancellationToken))
            return false;
        db.ClientContacts.Add(new ClientContact { ClientId = draft.ClientId, Step = draft.Step, At = at, Way = way, DraftKey = draftKey, By = by, PayBy = draft.PayBy });
        return true;
    }

    /// <summary>The drafts of a client's texts that nobody has yet sent or marked as sent, newest first.</summary>
    public static async Task<List<OutboxMessage>> UnsentAsync(ChaseDbContext db, long clientId, CancellationToken cancellationToken)
    {
        var reminderKeys = OutboxKey.RemindersOf(clientId);
        var approvedKeys = (await db.Proposals.AsNoTracking().Where(p => p.Invoice.ClientId == clientId && p.Status == ProposalStatus.Approved)
            .Select(p => p.Id).ToListAsync(cancellationToken)).Select(id => OutboxKey.Approved(id).Value).ToList();
        var delivered = db.ClientContacts.Where(c => c.ClientId == clientId).Select(c => c.DraftKey);
        var rows = await db.Outbox.AsNoTracking()
            .Where(m => (m.Kind == OutboxKinds.Reminder && m.Key.StartsWith(reminderKeys)) || (m.Kind == OutboxKinds.Artifact && approvedKeys.Contains(m.Key)))
            .Where(m => !delivered.Contains(m.Key))
            .OrderByDescending(m => m.Id).Take(20).ToListAsync(cancellationToken);
        return rows.Where(m => ChatMessage.FromJson(m.Body).Draft is not null).ToList();
    }

    /// <summary>
    /// A person says they sent a draft themselves: recorded as contact, so later texts may speak of it. The answer names
    /// what was recorded, or why nothing was.
    /// </summary>
    public static async Task<(bool Recorded, string Said)> MarkSentAsync(ChaseDbContext db, ChaseSettings settings, string draftKey, string actor,
        DateTime at, CancellationToken cancellationToken)
    {
        var row = await db.Outbox.AsNoTracking().SingleOrDefaultAsync(m => m.Key == draftKey, cancellationToken);
        if (row is null || ChatMessage.FromJson(row.Body).Draft is not { } draft)
            return (false, "That message is not a draft to a client, so there is nothing to mark as sent.");
        var client = await db.Clients.AsNoTracking().Where(c => c.Id == draft.ClientId).Select(c => c.Name).SingleAsync(cancellationToken);
        var what = $"the {Noun(draft.Step, settings.Ladder)} to {client}";
        if (await db.ClientContacts.AsNoTracking().SingleOrDefaultAsync(c => c.DraftKey == draftKey, cancellationToken) is { } known)
            return (false, known.Way == ContactWay.Emailed
                ? $"ChaseBot already emailed {what} on {Day(settings, known.At)}; nothing to mark."
                : $"{Capitalised(what)} was already marked as sent on {Day(settings, known.At)}.");
        await RecordAsync(db, draftKey, draft, ContactWay.MarkedSent, at, actor, cancellationToken);
        db.AuditEntries.Add(new Ledger.AuditEntry { At = at, Actor = actor, Action = Ledger.AuditActions.DraftMarkedSent, Subject = client, Details = draft.Step });
        await db.SaveChangesAsync(cancellationToken);
        return (true, $"Marked as sent: {what}, on {Day(settings, at)}. Later messages to {client} will count it as contact.");
    }

    /// <summary>What the draft of a step is called in a sentence: "the second reminder", "the suspension notice".</summary>
    public static string Noun(string step, ChaseLadder ladder) => ChaseLadder.Rung(step)?.Noun ?? ladder.Find(step)?.Title ?? step;

    private static string Day(ChaseSettings settings, DateTime at) =>
        settings.Calendar.Today(new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc))).ToString("d MMM", System.Globalization.CultureInfo.InvariantCulture);

    private static string Capitalised(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
