using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Reports;

/// <summary>
/// The collection figures for a day, computed once per ledger version (<see cref="StatusCache{TQuestion,TAnswer}"/>): the
/// Home tab is opened far more often than the ledger changes, and the figures read two years of sales.
/// </summary>
public sealed class FiguresCache(IDbContextFactory<ChaseDbContext> dbFactory, LedgerChanges changes, TimeProvider clock)
{
    private readonly StatusCache<DateOnly, CollectionFigures> _answers = new(changes, clock, capacity: 10);

    public Task<CollectionFigures> ForAsync(DateOnly asOf, CancellationToken cancellationToken) =>
        _answers.AnswerAsync(asOf, async token =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(token);
            return await CollectionFigures.RunAsync(db, asOf, token);
        }, cancellationToken);
}
