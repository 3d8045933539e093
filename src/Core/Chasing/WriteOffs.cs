using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Chasing;

/// <summary>
/// When an invoice that was being chased is voided in the books (written off, cancelled), the chase of it stops and
/// people are told: a note in the client's channel, and a private word with the owner, since a write-off stings and is
/// worth a moment's reflection before the next engagement.
/// </summary>
public static class WriteOffs
{
    public const string Step = "void";

    public static async Task<int> SendAsync(IDbContextFactory<ChaseDbContext> dbFactory, ChaseSettings settings, DateOnly today,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var told = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var voided = await db.Invoices.Include(i => i.Client)
                .Where(i => i.Status == InvoiceStatus.Void &&
                            (db.ChaseSteps.Any(s => s.InvoiceId == i.Id && s.Outcome != StepOutcome.Skipped) ||
                             db.ProposalInvoices.Any(c => c.InvoiceId == i.Id)) &&
                            !db.ChaseSteps.Any(s => s.InvoiceId == i.Id && s.Step == Step))
                .OrderBy(i => i.Id).Take(200).ToListAsync(cancellationToken);
            if (voided.Count == 0)
                return told;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var at = now.UtcDateTime;
            var notBefore = settings.Calendar.NextAllowed(now).UtcDateTime;
            foreach (var invoice in voided)
            {
                db.ChaseSteps.Add(new ChaseStepRecord { InvoiceId = invoice.Id, Step = Step, Outcome = StepOutcome.Sent, Day = today, At = at, Reason = "voided" });
                var waiting = await db.Proposals.Include(p => p.Invoice).ThenInclude(i => i.Client).Where(p => p.InvoiceId == invoice.Id &&
                        p.CaseId == null && (p.Status == ProposalStatus.Pending || p.Status == ProposalStatus.Snoozed)).ToListAsync(cancellationToken);
                foreach (var proposal in waiting)
                    await ProposalWithdrawal.WithdrawAsync(db, settings.Ladder, proposal, $"{invoice.Number} was voided", at, "chase", cancellationToken);
                var client = ClientView.From(invoice.Client, settings);
                var stillOverdue = await db.Invoices.AsNoTracking().Outstanding()
                    .Where(i => i.ClientId == invoice.ClientId && i.DueDate < today).ToListAsync(cancellationToken);
                var amount = $"{invoice.Currency} {Exports.Parsing.Money.Format(invoice.Total - invoice.AmountPaid)}";
                OutboxQueue.Add(db, OutboxKey.WrittenOff(invoice.Id), OutboxKinds.WrittenOff, client.Channel,
                    ChaseMessages.WrittenOff(client, invoice.Number, amount, stillOverdue.Select(i => InvoiceView.From(i, today)).ToList()), at, notBefore);
                if (client.OwnerKnown)
                    OutboxQueue.Add(db, OutboxKey.WriteOffCheckIn(invoice.Id), OutboxKinds.WriteOffCheckIn, client.Owner,
                        ChaseMessages.WriteOffCheckIn(client, invoice.Number, amount), at, notBefore, Audience.Direct);
                db.AuditEntries.Add(new AuditEntry { At = at, Actor = "chase", Action = "chase.stopped", Subject = invoice.Number, Details = "voided (written off)" });
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            told += voided.Count;
        }
    }
}
