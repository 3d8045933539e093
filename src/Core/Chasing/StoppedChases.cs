using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Chasing;

/// <summary>
/// What stopping the chase of one invoice means, whether it was paid (<see cref="PaidThanks"/>) or voided
/// (<see cref="WriteOffs"/>): the stop recorded as the invoice's step (so it is said once), its waiting proposals from
/// before collection cases withdrawn (a case's own are judged by the run), and an audit entry.
/// </summary>
internal static class StoppedChases
{
    /// <summary>Invoices in <paramref name="status"/> that were chased and whose stop (<paramref name="step"/>) is not yet recorded, 200 at a time.</summary>
    public static IQueryable<Invoice> NotYetStopped(ChaseDbContext db, InvoiceStatus status, string step) =>
        db.Invoices.Include(i => i.Client)
            .Where(i => i.Status == status &&
                        (db.ChaseSteps.Any(s => s.InvoiceId == i.Id && s.Outcome != StepOutcome.Skipped) ||
                         db.ProposalInvoices.Any(c => c.InvoiceId == i.Id)) &&
                        !db.ChaseSteps.Any(s => s.InvoiceId == i.Id && s.Step == step))
            .OrderBy(i => i.Id).Take(200);

    /// <summary>Records the stop; returns the client's invoices still overdue, which a message must not call stopped.</summary>
    /// <param name="why">In words: "paid", "voided".</param>
    public static async Task<List<InvoiceView>> StopAsync(ChaseDbContext db, ChaseSettings settings, Invoice invoice, string step, string why,
        DateOnly today, DateTime at, CancellationToken cancellationToken)
    {
        db.ChaseSteps.Add(new ChaseStepRecord { InvoiceId = invoice.Id, Step = step, Outcome = StepOutcome.Sent, Day = today, At = at, Reason = why });
        var waiting = await db.Proposals.Include(p => p.Invoice).ThenInclude(i => i.Client).Where(p => p.InvoiceId == invoice.Id &&
                p.CaseId == null && (p.Status == ProposalStatus.Pending || p.Status == ProposalStatus.Snoozed)).ToListAsync(cancellationToken);
        foreach (var proposal in waiting)
            await ProposalWithdrawal.WithdrawAsync(db, settings.Ladder, proposal, $"{invoice.Number} was {why}", at, "chase", cancellationToken);
        db.AuditEntries.Add(new AuditEntry { At = at, Actor = "chase", Action = AuditActions.ChaseStopped, Subject = invoice.Number, Details = why });
        return (await db.Invoices.AsNoTracking().Outstanding().Where(i => i.ClientId == invoice.ClientId && i.DueDate < today)
                .OrderBy(i => i.DueDate).ToListAsync(cancellationToken))
            .Select(i => InvoiceView.From(i, today)).ToList();
    }
}
