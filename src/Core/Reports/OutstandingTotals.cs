using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Reports;

/// <summary>
/// What is outstanding per currency, in aging buckets, as of a day: one pass over every outstanding invoice, summed
/// here (SQLite cannot add decimals in SQL). On SQLite the pass is stepped through SQLitePCLRaw (<see cref="SqliteSteps"/>):
/// through EF it was most of a Home tab at 1,000,000 invoices (bench/README.md).
/// </summary>
internal sealed class OutstandingTotals(DateOnly asOf)
{
    private readonly Dictionary<string, decimal[]> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int Count { get; private set; }

    /// <summary>Read stepped through SQLitePCLRaw rather than through EF.</summary>
    public bool Stepped { get; private init; }

    /// <param name="step">False reads through EF on SQLite too (the tests compare the two).</param>
    public static async Task<OutstandingTotals> ReadAsync(ChaseDbContext db, DateOnly asOf, CancellationToken cancellationToken, bool step = true)
    {
        var rows = db.Invoices.AsNoTracking().Outstanding().Select(i => new { i.Currency, i.AmountDue, i.DueDate });
        if (step && db.Database.GetDbConnection() is SqliteConnection sqlite && await StepAsync(db, sqlite, rows.ToQueryString(), asOf, cancellationToken) is { } stepped)
            return stepped;
        var totals = new OutstandingTotals(asOf);
        await foreach (var i in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
            totals.Add(i.Currency, i.AmountDue, i.DueDate);
        return totals;
    }

    private static async Task<OutstandingTotals?> StepAsync(ChaseDbContext db, SqliteConnection sqlite, string query, DateOnly asOf,
        CancellationToken cancellationToken)
    {
        if (query.Contains('@', StringComparison.Ordinal))
            return null; // a parameter EF would bind: only EF reads it
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var totals = new OutstandingTotals(asOf) { Stepped = true };
            var (currency, bytes) = ("", Array.Empty<byte>());
            return SqliteSteps.TryEach(sqlite, query, [], row =>
            {
                // Rows of one currency mostly follow each other: the same text is not made into a string again.
                if (!row.TextBytes(0).SequenceEqual(bytes))
                    (currency, bytes) = (row.Text(0), row.TextBytes(0).ToArray());
                totals.Add(currency, row.Amount(1), row.Day(2));
            }) ? totals : null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private void Add(string currency, decimal due, DateOnly dueDate)
    {
        if (!_buckets.TryGetValue(currency, out var buckets))
            _buckets[currency] = buckets = new decimal[5];
        buckets[LedgerStatus.Bucket(Math.Max(0, asOf.DayNumber - dueDate.DayNumber))] += due;
        _counts[currency] = _counts.GetValueOrDefault(currency) + 1;
        Count++;
    }

    public List<CurrencyTotals> Totals() => _buckets.OrderBy(t => t.Key, StringComparer.Ordinal)
        .Select(t => new CurrencyTotals(t.Key, _counts[t.Key], t.Value.Sum(), t.Value[0], t.Value[1], t.Value[2], t.Value[3], t.Value[4]))
        .ToList();
}
