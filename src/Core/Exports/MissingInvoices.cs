using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Exports;

internal static class MissingInvoices
{
    /// <summary>
    /// An open invoice the source listed before and this file does not is flagged, never assumed paid: exports
    /// are often filtered (open only, a date range), and a wrong "paid" would silence chasing of real debt.
    /// </summary>
    internal static async Task<int> FlagAsync(ChaseDbContext db, IEnumerable<(long Id, string Number)> notListed, string actor,
        DateTime now, int batchSize, CancellationToken cancellationToken)
    {
        var flagged = 0;
        foreach (var chunk in notListed.Chunk(batchSize))
        {
            // Still open and not yet flagged as the database has it now (a payment logged meanwhile settles it instead).
            var ids = chunk.Select(c => c.Id).ToList();
            var missing = await db.Invoices.Outstanding()
                .Where(i => ids.Contains(i.Id) && i.MissingSince == null)
                .Select(i => new { i.Id, i.Number }).ToListAsync(cancellationToken);
            if (missing.Count == 0)
                continue;
            var missingIds = missing.Select(m => m.Id).ToList();
            await db.Invoices.Where(i => missingIds.Contains(i.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.MissingSince, now), cancellationToken);
            db.AuditEntries.AddRange(missing.Select(m => new AuditEntry
            {
                At = now, Actor = actor, Action = AuditActions.InvoiceMissing, Subject = m.Number,
                Details = "not in this export; flagged, not marked paid",
            }));
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            flagged += missing.Count;
        }
        return flagged;
    }
}
