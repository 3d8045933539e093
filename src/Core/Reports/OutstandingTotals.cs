using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Reports;

/// <summary>
/// What is outstanding per currency, in aging buckets, as of a day: one pass over every outstanding invoice, summed
/// here (SQLite cannot add decimals in SQL). On SQLite the pass is stepped through SQLitePCLRaw (<see cref="SqliteSteps"/>):
/// through EF it was most of a Home tab at 1,000,000 invoices (bench/README.md).
/// </summary>
internal sealed class OutstandingTotals(DateOnly asOf)
{
    /// <summary>One currency's amounts by aging bucket (<see cref="LedgerStatus.Bucket"/>) and how many invoices.</summary>
    private sealed class Tally
    {
        public readonly decimal[] Buckets = new decimal[5];
        public int Count;
    }

    private readonly Dictionary<string, Tally> _tallies = new(StringComparer.Ordinal);

    public int Count { get; private set; }

    /// <summary>Read stepped through SQLitePCLRaw rather than through EF.</summary>
    public bool Stepped { get; private init; }

    /// <param name="step">False reads through EF on SQLite too (the tests compare the two).</param>
    public static async Task<OutstandingTotals> ReadAsync(ChaseDbContext db, DateOnly asOf, CancellationToken cancellationToken, bool step = true)
    {
        var rows = db.Invoices.AsNoTracking().Outstanding().Select(i => new { i.Currency, i.AmountDue, i.DueDate });
        if (step)
        {
            var stepped = new OutstandingTotals(asOf) { Stepped = true };
            var (tally, bytes) = ((Tally?)null, Array.Empty<byte>());
            if (await SqliteSteps.TryEachAsync(db, rows.ToQueryString(), [], row =>
                {
                    // Rows of one currency mostly follow each other: its tally is not looked up again, nor its text made a string.
                    if (tally is null || !row.TextBytes(0).SequenceEqual(bytes))
                        (tally, bytes) = (stepped.TallyOf(row.Text(0)), row.TextBytes(0).ToArray());
                    stepped.Add(tally, row.Amount(1), row.Day(2));
                }, cancellationToken))
                return stepped;
        }
        var totals = new OutstandingTotals(asOf);
        await foreach (var i in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
            totals.Add(i.Currency, i.AmountDue, i.DueDate);
        return totals;
    }

    private Tally TallyOf(string currency)
    {
        if (!_tallies.TryGetValue(currency, out var tally))
            _tallies[currency] = tally = new Tally();
        return tally;
    }

    private void Add(string currency, decimal due, DateOnly dueDate) => Add(TallyOf(currency), due, dueDate);

    private void Add(Tally tally, decimal due, DateOnly dueDate)
    {
        tally.Buckets[LedgerStatus.Bucket(Math.Max(0, asOf.DayNumber - dueDate.DayNumber))] += due;
        tally.Count++;
        Count++;
    }

    public List<CurrencyTotals> Totals() => _tallies.OrderBy(t => t.Key, StringComparer.Ordinal)
        .Select(t => (t.Key, t.Value.Count, B: t.Value.Buckets))
        .Select(t => new CurrencyTotals(t.Key, t.Count, t.B.Sum(), t.B[0], t.B[1], t.B[2], t.B[3], t.B[4]))
        .ToList();
}
