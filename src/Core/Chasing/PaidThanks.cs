using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Chasing;

/// <summary>
/// When an invoice that was being chased is settled (by an export or a logged payment), the chase stops: waiting
/// proposals are closed, open promises count as kept, and the owner gets a short, private well-done.
/// </summary>
public static class PaidThanks
{
    public const string Step = "paid";

    public static async Task<int> SendAsync(IDbContextFactory<ChaseDbContext> dbFactory, ChaseSettings settings, DateOnly today,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sent = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var settled = await db.Invoices.Include(i => i.Client)
                .Where(i => i.Status == InvoiceStatus.Paid &&
                            db.ChaseSteps.Any(s => s.InvoiceId == i.Id && s.Outcome != StepOutcome.Skipped) &&
                            !db.ChaseSteps.Any(s => s.InvoiceId == i.Id && s.Step == Step))
                .OrderBy(i => i.Id).Take(200).ToListAsync(cancellationToken);
            if (settled.Count == 0)
                return sent;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var at = now.UtcDateTime;
            var notBefore = settings.Calendar.NextAllowed(now).UtcDateTime;
            foreach (var invoice in settled)
            {
                db.ChaseSteps.Add(new ChaseStepRecord { InvoiceId = invoice.Id, Step = Step, Outcome = StepOutcome.Sent, Day = today, At = at, Reason = "paid" });
                var waiting = await db.Proposals.Where(p => p.InvoiceId == invoice.Id &&
                        (p.Status == ProposalStatus.Pending || p.Status == ProposalStatus.Snoozed)).ToListAsync(cancellationToken);
                foreach (var proposal in waiting)
                    (proposal.Status, proposal.Reason, proposal.DecidedBy, proposal.DecidedAt, proposal.DecidedOn) =
                        (ProposalStatus.Rejected, "the invoice was paid", "chasebot", at, today);
                await db.PaymentPromises.Where(p => p.InvoiceId == invoice.Id && p.Kept == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(p => p.Kept, true), cancellationToken);
                var client = ClientView.From(invoice.Client, settings);
                ChaseRunner.Enqueue(db, $"thanks:{invoice.Id}", "thanks", client.Owner, ChaseMessages.Thanks(client, invoice.Number), at,
                    notBefore, Audience.Direct);
                db.AuditEntries.Add(new AuditEntry { At = at, Actor = "chase", Action = "chase.stopped", Subject = invoice.Number, Details = "paid" });
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            sent += settled.Count;
        }
    }
}
