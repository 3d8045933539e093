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
            var voided = await StoppedChases.NotYetStopped(db, InvoiceStatus.Void, Step).ToListAsync(cancellationToken);
            if (voided.Count == 0)
                return told;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var at = now.UtcDateTime;
            var notBefore = settings.Calendar.NextAllowed(now).UtcDateTime;
            foreach (var invoice in voided)
            {
                var stillOverdue = await StoppedChases.StopAsync(db, settings, invoice, Step, "voided", today, at, cancellationToken);
                var client = ClientView.From(invoice.Client, settings);
                var amount = $"{invoice.Currency} {Exports.Parsing.Money.Format(invoice.Total - invoice.AmountPaid)}";
                OutboxQueue.Add(db, OutboxKey.WrittenOff(invoice.Id), OutboxKinds.WrittenOff, client.Channel,
                    ChaseMessages.WrittenOff(client, invoice.Number, amount, stillOverdue), at, notBefore);
                if (client.OwnerKnown)
                    OutboxQueue.Add(db, OutboxKey.WriteOffCheckIn(invoice.Id), OutboxKinds.WriteOffCheckIn, client.Owner,
                        ChaseMessages.WriteOffCheckIn(client, invoice.Number, amount), at, notBefore, Audience.Direct);
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            told += voided.Count;
        }
    }
}
