using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace ChaseBot.Core.Chasing;

/// <summary>
/// A chunk of clients' outstanding invoices as planning reads them: only what the policy and the texts read (the
/// import's bookkeeping is a third of the row, and materialising it was a fifth of planning). On SQLite the rows are
/// stepped through SQLitePCLRaw (<see cref="SqliteSteps"/>): through EF, reading them was more than half of planning a
/// 1,000,000-invoice ledger (bench/README.md). Elsewhere, and for a value not in EF's form, EF reads them.
/// </summary>
internal static class OpenInvoices
{
    /// <param name="step">False reads through EF on SQLite too (the tests compare the two).</param>
    /// <returns>The invoices, and whether they were stepped through SQLitePCLRaw.</returns>
    public static async Task<(List<Invoice> Invoices, bool Stepped)> ReadAsync(ChaseDbContext db, long lo, long hi, CancellationToken cancellationToken, bool step = true)
    {
        var stepped = new List<Invoice>();
        if (step && await SqliteSteps.TryEachAsync(db, Query(db), [lo, hi], row => stepped.Add(new Invoice
            {
                Id = row.Int64(0), ClientId = row.Int64(1), Source = row.Text(2), Number = row.Text(3), Currency = row.Text(4),
                Total = row.Amount(5), AmountDue = row.Amount(6), IssueDate = row.DayOrNull(7), DueDate = row.Day(8),
                Status = row.Named<InvoiceStatus>(9), SnoozedUntil = row.DayOrNull(10), MissingSince = row.InstantOrNull(11),
                PaymentLink = row.TextOrNull(12), ReopenedAt = row.InstantOrNull(13),
            }), cancellationToken))
            return (stepped, true);
        return (await db.Invoices.AsNoTracking().Outstanding().Where(i => i.ClientId >= lo && i.ClientId <= hi)
            .Select(i => new Invoice
            {
                Id = i.Id, ClientId = i.ClientId, Source = i.Source, Number = i.Number, Currency = i.Currency, Total = i.Total,
                AmountDue = i.AmountDue, IssueDate = i.IssueDate, DueDate = i.DueDate, Status = i.Status, SnoozedUntil = i.SnoozedUntil,
                MissingSince = i.MissingSince, PaymentLink = i.PaymentLink, ReopenedAt = i.ReopenedAt,
            })
            .ToListAsync(cancellationToken), false);
    }

    /// <summary>The columns in the order <see cref="ReadAsync"/> reads them; outstanding as <see cref="InvoiceStatusNames.IsOutstanding"/> says.</summary>
    private static string Query(ChaseDbContext db)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        string[] columns =
        [
            nameof(Invoice.Id), nameof(Invoice.ClientId), nameof(Invoice.Source), nameof(Invoice.Number), nameof(Invoice.Currency),
            nameof(Invoice.Total), nameof(Invoice.AmountDue), nameof(Invoice.IssueDate), nameof(Invoice.DueDate), nameof(Invoice.Status),
            nameof(Invoice.SnoozedUntil), nameof(Invoice.MissingSince), nameof(Invoice.PaymentLink), nameof(Invoice.ReopenedAt),
        ];
        var outstanding = string.Join(", ", Enum.GetValues<InvoiceStatus>().Where(s => s.IsOutstanding()).Select(s => $"'{s}'"));
        var table = db.Model.FindEntityType(typeof(Invoice))!.GetTableName()!;
        return $"SELECT {string.Join(", ", columns.Select(sql.DelimitIdentifier))} FROM {sql.DelimitIdentifier(table)} " +
               $"WHERE {sql.DelimitIdentifier(nameof(Invoice.Status))} IN ({outstanding}) " +
               $"AND {sql.DelimitIdentifier(nameof(Invoice.ClientId))} >= ?1 AND {sql.DelimitIdentifier(nameof(Invoice.ClientId))} <= ?2";
    }
}
