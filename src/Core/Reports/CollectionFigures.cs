using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Reports;

/// <summary>One currency's figures (currencies are never added together). Formulas and worked examples: docs/figures.md.</summary>
/// <param name="OverdueShare">Overdue over receivables, 0 to 1; null with nothing owed.</param>
/// <param name="Dso">Days sales outstanding by the countback method; null with no sales in the 24 months looked back.</param>
/// <param name="Cei">Collection effectiveness over the last 30 days, in percent; null when nothing was owed or collected, or the
/// ledger is younger than those 30 days.</param>
public sealed record CurrencyFigures(string Currency, decimal Receivables, decimal Overdue, decimal? OverdueShare, decimal? Dso, decimal? Cei,
    CurrencyTotals Buckets);

/// <summary>How a client pays: over their last <see cref="CollectionFigures.PaidInvoicesCounted"/> paid invoices.</summary>
/// <param name="AverageDaysLate">Days from due to paid, averaged (paid early or on time counts 0).</param>
/// <param name="OnTimeRate">Share paid by the due date, 0 to 1.</param>
public sealed record ClientRecord(string Client, decimal AverageDaysLate, decimal OnTimeRate, int PaidInvoices);

/// <summary>
/// The figures people who chase money judge the job by: per currency what is owed and overdue, DSO (countback) and the
/// collection effectiveness index; promises kept and broken; and per client how late they pay.
/// </summary>
public sealed record CollectionFigures(DateOnly AsOf, IReadOnlyList<CurrencyFigures> Currencies, int PromisesKept, int PromisesBroken,
    IReadOnlyList<ClientRecord> Clients)
{
    public const int PaidInvoicesCounted = 10;
    public const int CeiDays = 30;
    public const int DsoMonthsBack = 24;

    /// <param name="totals">What is outstanding as of <paramref name="asOf"/> when already read (<see cref="FiguresCache"/>).</param>
    public static async Task<CollectionFigures> RunAsync(ChaseDbContext db, DateOnly asOf, CancellationToken cancellationToken,
        IReadOnlyList<CurrencyTotals>? totals = null)
    {
        totals ??= (await OutstandingTotals.ReadAsync(db, asOf, cancellationToken)).Totals();
        var since = asOf.AddDays(-CeiDays);
        var oldest = new DateOnly(asOf.Year, asOf.Month, 1).AddMonths(-DsoMonthsBack);
        var sales = await SalesByMonth.ReadAsync(db, oldest, asOf, cancellationToken);
        // Payments are known from the day the ledger began: over a shorter history the index would count as uncollected
        // what was paid before ChaseBot could see it.
        var began = await db.Invoices.AsNoTracking().MinAsync(i => (DateTime?)i.CreatedAt, cancellationToken);
        var watched = began is { } first && DateOnly.FromDateTime(first) <= since;
        // Summed here: SQLite keeps decimals as text and cannot add them.
        var collected = await db.Payments.AsNoTracking().Where(p => p.PaidOn > since && p.PaidOn <= asOf)
            .Select(p => new { p.Currency, p.Amount }).ToListAsync(cancellationToken);

        var currencies = totals.Select(t =>
        {
            var overdue = t.Due - t.Current;
            var periods = Months(asOf, DsoMonthsBack).Select(m => new SalesPeriod(m.From, m.To,
                sales.In(t.Currency, m.From))).ToList(); // each period is a calendar month, the first only up to asOf
            var collections = collected.Where(c => c.Currency == t.Currency).Sum(c => c.Amount);
            return new CurrencyFigures(t.Currency, t.Due, overdue, t.Due == 0 ? null : Math.Round(overdue / t.Due, 3),
                Countback(t.Due, periods), watched ? EffectivenessIndex(collections, overdue) : null, t);
        }).ToList();

        var promises = await db.PaymentPromises.AsNoTracking().Where(p => p.Kept != null)
            .GroupBy(p => p.Kept).Select(g => new { Kept = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);

        // An invoice's paid day is its last recorded payment's; one imported already paid has none and is not counted.
        var paid = await PaidAsync(db.Payments.AsNoTracking(), asOf, cancellationToken);
        var clients = paid.GroupBy(p => p.Client)
            .Select(g => Record(g.Key, DaysLateOfLastPaid(g)))
            .OrderByDescending(c => c.AverageDaysLate).ThenBy(c => c.Client, StringComparer.Ordinal).ToList();

        return new CollectionFigures(asOf, currencies, promises.Where(p => p.Kept == true).Sum(p => p.Count),
            promises.Where(p => p.Kept == false).Sum(p => p.Count), clients);
    }

    /// <summary>
    /// One client's record in a sentence, for the approver deciding on their proposal: how late they pay and how many
    /// of their promises were kept ("Kauri Digital Ltd's record: usually pays 12 days late (last 4 paid invoices); 3 of 4
    /// promises kept.").
    /// </summary>
    public static async Task<string> ClientSentenceAsync(ChaseDbContext db, long clientId, string client, DateOnly asOf, CancellationToken cancellationToken)
    {
        var paid = await PaidAsync(db.Payments.AsNoTracking().Where(p => p.Invoice.ClientId == clientId), asOf, cancellationToken);
        var promises = await db.PaymentPromises.AsNoTracking().Where(p => p.Invoice.ClientId == clientId && p.Kept != null)
            .Select(p => p.Kept!.Value).ToListAsync(cancellationToken);
        return FiguresText.ClientSentence(client, paid.Count == 0 ? null : Record(client, DaysLateOfLastPaid(paid)),
            promises.Count(kept => kept), promises.Count);
    }

    private sealed record PaidInvoice(long InvoiceId, string Client, DateOnly DueDate, DateOnly PaidOn);

    /// <summary>Paid invoices with the day of their last recorded payment; one first seen already paid has none and is not among them.</summary>
    private static async Task<List<PaidInvoice>> PaidAsync(IQueryable<Payment> payments, DateOnly asOf, CancellationToken cancellationToken) =>
        (await payments.Where(p => p.Invoice.Status == InvoiceStatus.Paid && p.PaidOn <= asOf)
            .Select(p => new { p.InvoiceId, Client = p.Invoice.Client.Name, p.Invoice.DueDate, p.PaidOn }).ToListAsync(cancellationToken))
        .GroupBy(p => p.InvoiceId).Select(g => new PaidInvoice(g.Key, g.First().Client, g.First().DueDate, g.Max(p => p.PaidOn))).ToList();

    /// <summary>The days late of the last <see cref="PaidInvoicesCounted"/> paid invoices, newest first (0 for on time or early).</summary>
    private static List<int> DaysLateOfLastPaid(IEnumerable<PaidInvoice> paid) =>
        paid.OrderByDescending(p => p.PaidOn).ThenByDescending(p => p.InvoiceId).Take(PaidInvoicesCounted)
            .Select(p => Math.Max(0, p.PaidOn.DayNumber - p.DueDate.DayNumber)).ToList();

    /// <summary>A period's credit sales: invoices issued from <see cref="From"/> to <see cref="To"/>, both days counted.</summary>
    public sealed record SalesPeriod(DateOnly From, DateOnly To, decimal Sales)
    {
        public int Days => To.DayNumber - From.DayNumber + 1;
    }

    /// <summary>The month of <paramref name="asOf"/> up to that day, then each whole month before it, newest first.</summary>
    public static IEnumerable<(DateOnly From, DateOnly To)> Months(DateOnly asOf, int monthsBack)
    {
        var first = new DateOnly(asOf.Year, asOf.Month, 1);
        yield return (first, asOf);
        for (var m = 1; m <= monthsBack; m++)
            yield return (first.AddMonths(-m), first.AddMonths(-m + 1).AddDays(-1));
    }

    /// <summary>
    /// DSO by the countback method: walking back from the newest period, each period's sales are taken from the
    /// receivables while they last; a period whose sales cover what is left adds its share of its days. One decimal.
    /// Null when the periods' sales never cover the receivables (older debts than the periods reach) or there are none.
    /// </summary>
    public static decimal? Countback(decimal receivables, IEnumerable<SalesPeriod> newestFirst)
    {
        if (receivables <= 0)
            return 0;
        var left = receivables;
        var days = 0m;
        foreach (var period in newestFirst)
        {
            if (period.Sales >= left)
                return Math.Round(days + left / period.Sales * period.Days, 1, MidpointRounding.AwayFromZero);
            left -= period.Sales;
            days += period.Days;
        }
        return null;
    }

    /// <summary>
    /// The collection effectiveness index: (beginning receivables + sales − ending receivables) ÷ (beginning
    /// receivables + sales − ending current receivables) × 100. Since receivables only change by sales and
    /// collections, that is collections ÷ (collections + ending overdue) × 100. One decimal; null when both are 0.
    /// </summary>
    public static decimal? EffectivenessIndex(decimal collections, decimal overdueAtEnd) =>
        collections + overdueAtEnd <= 0 ? null : Math.Round(collections / (collections + overdueAtEnd) * 100, 1, MidpointRounding.AwayFromZero);

    /// <summary>A client's record over the days late of their paid invoices, newest first.</summary>
    public static ClientRecord Record(string client, IReadOnlyList<int> daysLate) => new(client,
        Math.Round((decimal)daysLate.Average(), 1, MidpointRounding.AwayFromZero),
        Math.Round((decimal)daysLate.Count(d => d == 0) / daysLate.Count, 3, MidpointRounding.AwayFromZero), daysLate.Count);
}
