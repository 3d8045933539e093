using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Chasing;

/// <summary>
/// A case closes when nothing of the client's is overdue in its currency any more. Whatever still waited in it is
/// withdrawn; a client whose access was suspended gets a "restore access" proposal, since a paid client left
/// switched off is the worst outcome of all.
/// </summary>
public static class CaseClosures
{
    public static async Task<int> CloseSettledAsync(IDbContextFactory<ChaseDbContext> dbFactory, ChaseSettings settings, DateOnly today,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var settled = await db.Cases.Include(c => c.Client)
            .Where(c => c.ClosedOn == null && !db.Invoices.Outstanding().Any(i => i.ClientId == c.ClientId && i.Currency == c.Currency && i.DueDate < today))
            .ToListAsync(cancellationToken);
        if (settled.Count == 0)
            return 0;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var at = now.UtcDateTime;
        var notBefore = settings.Calendar.NextAllowed(now).UtcDateTime;
        var restores = 0;
        foreach (var closing in settled)
        {
            // Written off when what the case chased was voided rather than paid; its timeline is kept either way.
            var writtenOff = await db.ProposalInvoices.AnyAsync(c => db.Proposals.Any(p => p.Id == c.ProposalId && p.CaseId == closing.Id) &&
                                                                     c.Invoice.Status == InvoiceStatus.Void, cancellationToken) &&
                             !await db.ProposalInvoices.AnyAsync(c => db.Proposals.Any(p => p.Id == c.ProposalId && p.CaseId == closing.Id) &&
                                                                      c.Invoice.Status == InvoiceStatus.Paid, cancellationToken);
            (closing.ClosedOn, closing.ClosedAt, closing.ClosedReason) = (today, at, writtenOff ? "written off" : "nothing overdue is left");
            db.AuditEntries.Add(new AuditEntry
            {
                At = at, Actor = "chase", Action = AuditActions.CaseClosed, Subject = closing.Client.Name, Details = $"{closing.Currency}: nothing overdue is left",
            });
            var proposals = await db.Proposals.Include(p => p.Invoice).ThenInclude(i => i.Client).Include(p => p.Covers).ThenInclude(c => c.Invoice)
                .Where(p => p.CaseId == closing.Id).ToListAsync(cancellationToken);
            foreach (var waiting in proposals.Where(p => p.Status is ProposalStatus.Pending or ProposalStatus.Snoozed or ProposalStatus.Withdrawn))
                if (waiting.Status == ProposalStatus.Withdrawn)
                    waiting.Reason = $"{waiting.Reason}; then the case closed, with nothing overdue left";
                else
                    await ProposalWithdrawal.WithdrawAsync(db, settings.Ladder, waiting, "nothing overdue is left: the case is closed", at, "chase",
                        cancellationToken);
            if (proposals.FirstOrDefault(p => p.Step == ChaseLadder.Suspension && p.Status == ProposalStatus.Approved) is not { } suspended)
                continue;
            var client = ClientView.From(closing.Client, settings);
            var paid = suspended.Covers.Select(c => c.Invoice).DefaultIfEmpty(suspended.Invoice).ToList();
            // "Thank you for your payment" is true only when they paid: a case closed by voiding or writing off gets no restore text.
            if (paid.Any(i => i.Status != InvoiceStatus.Paid))
                continue;
            var restore = new Proposal
            {
                InvoiceId = suspended.InvoiceId, CaseId = closing.Id, Step = ChaseLadder.RestoreAccess, Status = ProposalStatus.Pending,
                ProposedOn = today, ProposedAt = at, Covers = paid.Select(i => new ProposalInvoice { InvoiceId = i.Id }).ToList(),
            };
            db.Proposals.Add(restore);
            await db.SaveChangesAsync(cancellationToken);
            var view = new CaseView(client, closing.Currency, paid.Select(i => InvoiceView.From(i, today)).ToList(), [],
                await HistoryAsync(db, closing.Id, cancellationToken));
            var artifact = EscalationArtifacts.For(ChaseLadder.RestoreAccess, view, today, settings.Ladder, settings.SenderName, settings.GraceDays);
            OutboxQueue.Add(db, OutboxKey.Proposal(restore.Id, 0), OutboxKinds.Proposal, client.Channel,
                ChaseMessages.Proposal(restore.Id, view, ChaseLadder.RestoreAccessStep,
                    $"access was suspended on {CaseHistory.Long(suspended.DecidedOn ?? today)}, and everything overdue is now paid", artifact),
                at, notBefore);
            db.AuditEntries.Add(new AuditEntry
            {
                At = at, Actor = "chase", Action = AuditActions.ProposalCreated, Subject = client.Name, Details = $"{ChaseLadder.RestoreAccess}: paid after suspension",
            });
            restores++;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return restores;
    }

    /// <summary>The case's approved rungs, from the ledger (for a case whose invoices are no longer outstanding).</summary>
    public static async Task<CaseHistory> HistoryAsync(ChaseDbContext db, long? caseId, CancellationToken cancellationToken)
    {
        if (caseId is null)
            return CaseHistory.None;
        var approved = await db.Proposals.AsNoTracking()
            .Where(p => p.CaseId == caseId && p.Status == ProposalStatus.Approved && p.DecidedOn != null)
            .Select(p => new { p.Step, p.DecidedOn }).ToListAsync(cancellationToken);
        var clientId = await db.Cases.AsNoTracking().Where(c => c.Id == caseId).Select(c => c.ClientId).SingleAsync(cancellationToken);
        var contact = (await db.ClientContacts.AsNoTracking().Where(c => c.ClientId == clientId).OrderBy(c => c.At)
            .Select(c => new { c.Step, c.At }).ToListAsync(cancellationToken))
            .Select(c => new TakenStep(c.Step, DateOnly.FromDateTime(c.At))).ToList();
        return new CaseHistory(approved.Select(p => new TakenStep(p.Step, p.DecidedOn!.Value)).OrderBy(p => p.On).ToList(), [], contact);
    }
}
