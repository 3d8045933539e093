using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Reports;

/// <summary>
/// The whole ledger's figures for a day, each computed once per ledger version (<see cref="StatusCache{TQuestion,TAnswer}"/>):
/// the Home tab is opened far more often than the ledger changes, by everyone, and both its figures read the whole
/// ledger — the collection figures two years of sales, the totals every outstanding invoice (about half a second at
/// 1,000,000 invoices, where stepping through the rows alone is 0.3 s: bench/README.md).
/// </summary>
public sealed class FiguresCache(IDbContextFactory<ChaseDbContext> dbFactory, LedgerChanges changes, TimeProvider clock)
{
    private readonly StatusCache<DateOnly, CollectionFigures> _answers = new(changes, clock, capacity: 10);
    private readonly StatusCache<DateOnly, IReadOnlyList<CurrencyTotals>> _totals = new(changes, clock, capacity: 10);

    public Task<CollectionFigures> ForAsync(DateOnly asOf, CancellationToken cancellationToken) =>
        _answers.AnswerAsync(asOf, async token =>
        {
            var totals = await TotalsAsync(asOf, token); // read once for the Home's table and its figures
            await using var db = await dbFactory.CreateDbContextAsync(token);
            return await CollectionFigures.RunAsync(db, asOf, token, totals);
        }, cancellationToken);

    /// <summary>What is outstanding per currency, in aging buckets, as of <paramref name="asOf"/>.</summary>
    public Task<IReadOnlyList<CurrencyTotals>> TotalsAsync(DateOnly asOf, CancellationToken cancellationToken) =>
        _totals.AnswerAsync(asOf, async token =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(token);
            return (IReadOnlyList<CurrencyTotals>)(await OutstandingTotals.ReadAsync(db, asOf, token)).Totals();
        }, cancellationToken);
}
