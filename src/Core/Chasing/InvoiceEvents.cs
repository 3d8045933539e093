using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Chasing;

/// <summary>A payment on an outstanding invoice, as the next message thanks the client for it.</summary>
internal sealed record PartPaymentRow(decimal Amount, DateOnly PaidOn, DateTime RecordedAt);

/// <summary>A promise to pay not yet kept or broken.</summary>
internal sealed record OpenPromiseRow(long Id, DateOnly PromisedFor);

/// <summary>
/// What clients and people did about outstanding invoices, by invoice: open disputes, when the last resolved one was
/// resolved, payments and open promises. Few rows beside the invoices (each is a person's or a client's act), so a chase
/// over many chunks of clients reads them once, from these tables to the invoices, rather than once a chunk from the
/// chunk's invoices to them: the five joins a chunk made were a quarter of planning 1,000,000 invoices (bench/README.md).
/// Read once, they are as old as the run: a dispute, promise or payment logged while it runs is seen by the next one, and
/// the check before every client email (<see cref="Sources.FreshnessGate"/>) reads the ledger again before it goes.
/// </summary>
internal sealed record InvoiceEvents(ILookup<long, string> OpenDisputes, IReadOnlyDictionary<long, DateTime> LastResolved,
    ILookup<long, PartPaymentRow> Payments, ILookup<long, OpenPromiseRow> OpenPromises)
{
    /// <param name="open">The outstanding invoices to read them for: a chunk's, or the whole ledger's.</param>
    public static async Task<InvoiceEvents> ReadAsync(ChaseDbContext db, IQueryable<Invoice> open, CancellationToken cancellationToken)
    {
        var disputes = (await db.Disputes.AsNoTracking().Where(d => d.ResolvedAt == null).Join(open, d => d.InvoiceId, i => i.Id, (d, i) => d)
                .Select(d => new { d.InvoiceId, d.Reason }).ToListAsync(cancellationToken))
            .ToLookup(d => d.InvoiceId, d => d.Reason);
        var resolved = (await db.Disputes.AsNoTracking().Where(d => d.ResolvedAt != null).Join(open, d => d.InvoiceId, i => i.Id, (d, i) => d)
                .Select(d => new { d.InvoiceId, ResolvedAt = d.ResolvedAt!.Value }).ToListAsync(cancellationToken))
            .GroupBy(d => d.InvoiceId).ToDictionary(g => g.Key, g => g.Max(d => d.ResolvedAt));
        var payments = (await db.Payments.AsNoTracking().Join(open, p => p.InvoiceId, i => i.Id, (p, i) => new { p.InvoiceId, p.Amount, p.PaidOn, p.RecordedAt })
                .ToListAsync(cancellationToken))
            .ToLookup(p => p.InvoiceId, p => new PartPaymentRow(p.Amount, p.PaidOn, p.RecordedAt));
        var promises = (await db.PaymentPromises.AsNoTracking().Where(p => p.Kept == null).Join(open, p => p.InvoiceId, i => i.Id, (p, i) => p)
                .Select(p => new { p.Id, p.InvoiceId, p.PromisedFor }).ToListAsync(cancellationToken))
            .ToLookup(p => p.InvoiceId, p => new OpenPromiseRow(p.Id, p.PromisedFor));
        return new(disputes, resolved, payments, promises);
    }

    /// <summary>For the whole ledger's outstanding invoices, when a chase reads more than one chunk of clients.</summary>
    public static async Task<InvoiceEvents?> ForManyAsync(ChaseDbContext db, int clients, CancellationToken cancellationToken) =>
        clients <= ChaseSituations.ClientsPerChunk ? null : await ReadAsync(db, db.Invoices.AsNoTracking().Outstanding(), cancellationToken);
}
