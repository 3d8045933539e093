using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Reports;

/// <summary>
/// The whole ledger's figures for a day, each computed once per ledger version (<see cref="StatusCache{TQuestion,TAnswer}"/>):
/// the Home tab is opened far more often than the ledger changes, by everyone, and both its figures read the whole
/// ledger — the collection figures two years of sales, the totals every outstanding invoice (about half a second at
/// 1,000,000 invoices, where stepping through the rows alone is 0.3 s: bench/README.md).
/// </summary>
/// <param name="patience">How long the Home waits for figures being brought up to date before it shows the ones before.</param>
public sealed class FiguresCache(IDbContextFactory<ChaseDbContext> dbFactory, LedgerChanges changes, TimeProvider clock, TimeSpan? patience = null)
{
    private readonly StatusCache<DateOnly, HomeFigures> _home = new(changes, clock, patience: patience ?? DefaultPatience, capacity: 10);

    /// <summary>A Home opened just after a change shows the figures before it at once if the new ones take longer.</summary>
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The Home's totals and figures: the ledger's as it is now when they come within the patience, otherwise those from
    /// before the latest change with when they were true, and the new ones still being read (to show when ready). At
    /// 1,000,000 invoices reading them afresh takes about a second (bench/README.md), and an import commits often.
    /// </summary>
    public async Task<Earlier<HomeFigures>> ForHomeAsync(DateOnly asOf, CancellationToken cancellationToken) =>
        await _home.AnswerOrEarlierAsync(asOf, async token =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(token);
            // What is outstanding per currency, in aging buckets: read once for the Home's table and its figures.
            var totals = (IReadOnlyList<CurrencyTotals>)(await OutstandingTotals.ReadAsync(db, asOf, token)).Totals();
            return new HomeFigures(totals, await CollectionFigures.RunAsync(db, asOf, token, totals));
        }, cancellationToken);
}

/// <summary>What the Home tab shows of the whole ledger: the totals per currency, and the collection figures.</summary>
public sealed record HomeFigures(IReadOnlyList<CurrencyTotals> Totals, CollectionFigures Figures);
