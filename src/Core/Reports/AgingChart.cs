using ChaseBot.Core.Exports.Parsing;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Reports;

/// <summary>One week's end and what was overdue that day; null for a day before the ledger began (not known, not drawn).</summary>
public sealed record WeekOverdue(DateOnly Day, decimal? Overdue);

/// <summary>One currency's picture: what is owed by age today, and the overdue total at the end of each of the last weeks.</summary>
public sealed record CurrencyChart(string Currency, CurrencyTotals Buckets, IReadOnlyList<WeekOverdue> Weeks);

/// <summary>
/// What the digest's picture shows, read from the ledger as of one day (docs/figures.md#the-chart): per currency, the
/// aging bars (not yet due, 1–30, 31–60, 61–90, over 90 days) and the overdue total at the end of each of the last
/// <see cref="Weeks"/> weeks. <see cref="ChartPicture"/> draws it; <see cref="AltText"/> says the same in words.
/// </summary>
public sealed record AgingChart(DateOnly AsOf, DateOnly? LedgerBegan, IReadOnlyList<CurrencyChart> Currencies)
{
    public const int Weeks = 12;

    /// <summary>A picture stays readable on a phone with at most this many currencies; the others are said in the alt text.</summary>
    public const int CurrenciesDrawn = 3;

    public static readonly string[] BucketNames = ["Not yet due", "1-30 days", "31-60", "61-90", "Over 90"];

    public static decimal[] BucketAmounts(CurrencyTotals t) => [t.Current, t.Days1To30, t.Days31To60, t.Days61To90, t.Over90];

    public static async Task<AgingChart> RunAsync(ChaseDbContext db, DateOnly asOf, CancellationToken cancellationToken)
    {
        var summary = await LedgerStatus.SummaryAsync(db, asOf, 0, cancellationToken);
        var began = await db.Invoices.AsNoTracking().MinAsync(i => (DateTime?)i.CreatedAt, cancellationToken) is { } first
            ? DateOnly.FromDateTime(first) : (DateOnly?)null;
        var weekEnds = Enumerable.Range(0, Weeks).Select(w => asOf.AddDays(-7 * (Weeks - 1 - w))).ToList();
        var oldest = weekEnds[0];

        // Every invoice that could have been overdue on one of those days: due before the last of them, not voided or a draft.
        // Summed here: SQLite keeps decimals as text and cannot add them.
        var invoices = await db.Invoices.AsNoTracking()
            .Where(i => i.Status != InvoiceStatus.Void && i.Status != InvoiceStatus.Draft && i.DueDate < asOf)
            .Where(i => i.Status != InvoiceStatus.Paid || i.Payments.Any(p => p.PaidOn > oldest) || i.CreatedAt >= oldest.ToDateTime(TimeOnly.MinValue))
            .Select(i => new
            {
                i.Currency, i.DueDate, i.IssueDate, i.CreatedAt, i.AmountPaid,
                Due = i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid ? i.AmountDue : 0m,
                Payments = i.Payments.Select(p => new { p.PaidOn, p.Amount }).ToList(),
            })
            .ToListAsync(cancellationToken);

        var currencies = summary.Totals.Select(t => new CurrencyChart(t.Currency, t, weekEnds.Select(day => new WeekOverdue(day,
            began is { } start && day >= start
                ? invoices.Where(i => i.Currency == t.Currency && i.DueDate < day && (i.IssueDate ?? i.DueDate) <= day)
                    .Sum(i => OwedOn(day, i.Due, i.AmountPaid, DateOnly.FromDateTime(i.CreatedAt), i.Payments.Select(p => (p.PaidOn, p.Amount)).ToList()))
                : null)).ToList())).ToList();
        return new AgingChart(asOf, began, currencies);
    }

    /// <summary>
    /// What was still owed on an invoice at the end of <paramref name="day"/>: owed now, plus each payment dated after
    /// that day. A part paid before the ledger first saw the invoice carries no date; it counts as paid from that first day.
    /// </summary>
    public static decimal OwedOn(DateOnly day, decimal dueNow, decimal paid, DateOnly firstSeen, IReadOnlyList<(DateOnly PaidOn, decimal Amount)> payments)
    {
        var undated = Math.Max(0, paid - payments.Sum(p => p.Amount));
        return Math.Max(0, dueNow + payments.Where(p => p.PaidOn > day).Sum(p => p.Amount) + (day < firstSeen ? undated : 0));
    }

    /// <summary>The picture in words, for those who cannot see it (Slack's alt text, the Teams image's, the console).</summary>
    public string AltText()
    {
        if (Currencies.Count == 0)
            return $"Accounts receivable on {AsOf:d MMMM yyyy}: nothing is owed.";
        var parts = new List<string> { $"Accounts receivable by age on {AsOf:d MMMM yyyy}." };
        foreach (var c in Currencies)
        {
            var amounts = BucketAmounts(c.Buckets);
            parts.Add($"{c.Currency}: " + string.Join(", ", BucketNames.Select((name, b) => $"{name.ToLowerInvariant()} {Money.Format(amounts[b])}")) + ".");
            var known = c.Weeks.Where(w => w.Overdue is not null).ToList();
            if (known.Count > 1)
                parts.Add($"Overdue {Money.Format(known[0].Overdue!.Value)} on {known[0].Day:d MMM}, {Money.Format(known[^1].Overdue!.Value)} on {known[^1].Day:d MMM}" +
                          $" ({Trend(known[0].Overdue!.Value, known[^1].Overdue!.Value)}).");
        }
        if (Currencies.Count > CurrenciesDrawn)
            parts.Add($"The picture draws the {CurrenciesDrawn} largest amounts owed ({string.Join(", ", Drawn.Select(c => c.Currency))}); " +
                      $"{string.Join(", ", Currencies.Except(Drawn).Select(c => c.Currency))} only in these words.");
        if (LedgerBegan is { } began && began > AsOf.AddDays(-7 * (Weeks - 1)))
            parts.Add($"Weeks before {began:d MMM}, when the ledger began, are not drawn.");
        return string.Join(" ", parts);
    }

    /// <summary>The currencies the picture draws: the largest by what is owed.</summary>
    public IReadOnlyList<CurrencyChart> Drawn => Currencies.OrderByDescending(c => c.Buckets.Due).ThenBy(c => c.Currency, StringComparer.Ordinal)
        .Take(CurrenciesDrawn).ToList();

    private static string Trend(decimal from, decimal to) => to < from ? "shrinking" : to > from ? "growing" : "unchanged";
}
