using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Chasing;

/// <summary>
/// When an invoice that was being chased is settled (by an export or a logged payment), the chase stops: proposals
/// from before collection cases are withdrawn (a case's own are judged by the run), open promises count as kept, the
/// owner gets a short, private well-done, and the channel a thank-you and receipt to send the client.
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
            var settled = await StoppedChases.NotYetStopped(db, InvoiceStatus.Paid, Step).Include(i => i.Payments).ToListAsync(cancellationToken);
            if (settled.Count == 0)
                return sent;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var at = now.UtcDateTime;
            var notBefore = settings.Calendar.NextAllowed(now).UtcDateTime;
            foreach (var invoice in settled)
            {
                var stillOverdue = await StoppedChases.StopAsync(db, settings, invoice, Step, "paid", today, at, cancellationToken);
                await db.PaymentPromises.Where(p => p.InvoiceId == invoice.Id && p.Kept == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(p => p.Kept, true), cancellationToken);
                var client = ClientView.From(invoice.Client, settings);
                if (client.OwnerKnown) // nobody to thank privately until an owner is set; the channel's receipt still goes
                    OutboxQueue.Add(db, OutboxKey.Thanks(invoice.Id), OutboxKinds.Thanks, client.Owner,
                        ChaseMessages.Thanks(client, invoice.Number, stillOverdue.Count), at, notBefore, Audience.Direct);
            }
            foreach (var byClient in settled.GroupBy(i => i.ClientId))
            {
                var client = ClientView.From(byClient.First().Client, settings);
                var paid = byClient.Select(i => (InvoiceView.From(i, today), i.Payments.Count == 0 ? (DateOnly?)null : i.Payments.Max(p => p.PaidOn)))
                    .ToList();
                // A thank-you that says the chase has stopped must be true of the whole client, not just these invoices.
                var remaining = (await db.Invoices.AsNoTracking().Outstanding().Where(i => i.ClientId == byClient.Key && i.DueDate < today)
                    .OrderBy(i => i.DueDate).ToListAsync(cancellationToken)).Select(i => InvoiceView.From(i, today)).ToList();
                OutboxQueue.Add(db, OutboxKey.Receipt(byClient.Select(i => i.Id)), OutboxKinds.Receipt, client.Channel,
                    ChaseMessages.Receipt(client, paid.Count, EscalationArtifacts.Receipt(client, paid, settings.SenderName, remaining), remaining), at, notBefore);
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            sent += settled.Count;
        }
    }
}
