using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Reports;

/// <summary>
/// Credit sales by currency and calendar month, from <paramref name="from"/> to <paramref name="to"/>: invoices issued
/// (the due date where an export gives no issue date), drafts and voided ones aside. DSO divides what is owed by them
/// (<see cref="CollectionFigures"/>). One pass over every invoice, summed here (SQLite cannot add decimals in SQL); on
/// SQLite stepped through SQLitePCLRaw (<see cref="SqliteSteps"/>): through EF it was most of the first Home tab after a
/// change at 1,000,000 invoices (bench/README.md).
/// </summary>
internal sealed class SalesByMonth(DateOnly from, DateOnly to)
{
    private readonly Dictionary<(string Currency, int Month), decimal> _sales = new();

    /// <summary>Read stepped through SQLitePCLRaw rather than through EF.</summary>
    public bool Stepped { get; private init; }

    public static int MonthOf(DateOnly day) => day.Year * 12 + day.Month;

    /// <summary>Sales in <paramref name="currency"/> in the calendar month of <paramref name="day"/>.</summary>
    public decimal In(string currency, DateOnly day) => _sales.GetValueOrDefault((currency, MonthOf(day)));

    /// <param name="step">False reads through EF on SQLite too (the tests compare the two).</param>
    public static async Task<SalesByMonth> ReadAsync(ChaseDbContext db, DateOnly from, DateOnly to, CancellationToken cancellationToken, bool step = true)
    {
        // No date in the query: a parameter would keep it from being stepped, and no index serves the issued day anyway.
        var rows = db.Invoices.AsNoTracking().Where(i => i.Status != InvoiceStatus.Void && i.Status != InvoiceStatus.Draft)
            .Select(i => new { i.Currency, Issued = i.IssueDate ?? i.DueDate, i.Total });
        if (step)
        {
            var stepped = new SalesByMonth(from, to) { Stepped = true };
            var (currency, bytes) = ("", Array.Empty<byte>());
            if (await SqliteSteps.TryEachAsync(db, rows.ToQueryString(), [], row =>
                {
                    // Rows of one currency mostly follow each other: the same text is not made into a string again.
                    if (!row.TextBytes(0).SequenceEqual(bytes))
                        (currency, bytes) = (row.Text(0), row.TextBytes(0).ToArray());
                    stepped.Add(currency, row.Day(1), row.Amount(2));
                }, cancellationToken))
                return stepped;
        }
        var sales = new SalesByMonth(from, to);
        await foreach (var i in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
            sales.Add(i.Currency, i.Issued, i.Total);
        return sales;
    }

    private void Add(string currency, DateOnly issued, decimal total)
    {
        if (issued < from || issued > to)
            return;
        var key = (currency, MonthOf(issued));
        _sales[key] = _sales.GetValueOrDefault(key) + total;
    }
}
