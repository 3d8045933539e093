using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ChaseBot.Core.Sources;

/// <summary>
/// Writes what a connected source said into the ledger, as an import run of its own: the same writer as an export file
/// (<see cref="LedgerWriter"/>), so the same rules hold whatever the facts came from. An older "as of" never overwrites
/// newer facts (from a file or a sync); a payment logged in chat is kept; a paid invoice owing again is held. Only a
/// snapshot flags what it does not list as missing: a list of changes says nothing about the rest.
/// One transaction: a sync is written whole or not at all, and its cursor moves only with it, so a sync cut short by a
/// crash is read again from the same place, never lost and never counted twice.
/// </summary>
public sealed class LedgerSync(IDbContextFactory<ChaseDbContext> dbFactory, TimeProvider clock, TimeZoneInfo timeZone,
    ILogger<LedgerSync>? log = null, Chasing.ChaseSettings? settings = null)
{
    private const int RejectedKeptInSummary = 1000;

    /// <summary>Where the last sync of <paramref name="source"/> that was written got to, and when its facts were true.</summary>
    public async Task<(string? Cursor, DateTime? AsOf)> LastAsync(string source, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var last = await db.ImportRuns.AsNoTracking()
            .Where(r => r.Origin == ImportOrigin.Sync && r.Source == source && r.Outcome == ImportOutcome.Imported)
            .OrderByDescending(r => r.Id).Select(r => new { r.Cursor, r.AsOf }).FirstOrDefaultAsync(cancellationToken);
        return (last?.Cursor, last?.AsOf);
    }

    public async Task<ImportSummary> ApplyAsync(SourceFacts facts, string startedBy, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var run = new ImportRun
        {
            FileName = facts.Label, FileHash = $"sync:{Guid.NewGuid():N}", Origin = ImportOrigin.Sync, Source = facts.Source,
            Cursor = facts.Cursor, Mode = facts.Mode, Format = facts.Source, AsOf = facts.AsOf, StartedAt = now,
            Outcome = ImportOutcome.Running,
        };
        db.ImportRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken); // evidence first, as for a file
        var warnings = new ImportWarnings();
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var summary = await WriteAsync(db, run, facts, startedBy, warnings, now, cancellationToken);
            run.Outcome = ImportOutcome.Imported;
            run.FinishedAt = clock.GetUtcNow().UtcDateTime;
            run.Warnings = string.Join('\n', warnings.ToList());
            db.ImportRuns.Update(run);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return summary with { Outcome = ImportOutcome.Imported, Warnings = warnings.ToList() };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Rolled back as the transaction is disposed: the cursor stays where the last written sync left it.
            log?.LogError(e, "{Source} sync failed; nothing from it was written", facts.Label);
            var message = $"nothing from this sync was written ({e.GetType().Name}: {e.Message})";
            await using var fresh = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            await fresh.ImportRuns.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Outcome, ImportOutcome.Failed)
                .SetProperty(r => r.Message, message.Length > 2000 ? message[..2000] : message)
                .SetProperty(r => r.FinishedAt, clock.GetUtcNow().UtcDateTime), CancellationToken.None);
            return new ImportSummary { File = facts.Label, Format = facts.Source, Outcome = ImportOutcome.Failed, Message = message, RunId = run.Id };
        }
    }

    private async Task<ImportSummary> WriteAsync(ChaseDbContext db, ImportRun run, SourceFacts facts, string startedBy,
        ImportWarnings warnings, DateTime now, CancellationToken cancellationToken)
    {
        var index = await LedgerIndex.ReadAsync(db, facts.Source, cancellationToken);
        var actor = $"import run {run.Id} ({facts.Label}, {startedBy})";
        var writer = new LedgerWriter(db, run, facts.Source, actor, Today(), now, index);
        var rejected = new List<RejectedRow>();
        var checkedFacts = new List<InvoiceFacts>(facts.Invoices.Count);
        var seen = new HashSet<string>(InvoiceNumbers.Comparer);
        foreach (var fact in facts.Invoices)
        {
            var (ok, problem) = FactsCheck.Check(fact);
            if (ok is null || !seen.Add(ok.Number))
                rejected.Add(new RejectedRow { ImportRunId = run.Id, Line = 0, Reason = problem ?? $"invoice {ok!.Number} is listed twice; the first is kept" });
            else
                checkedFacts.Add(ok);
        }
        int created = 0, updated = 0, unchanged = 0;
        List<string> stale = [], reopened = [];
        foreach (var batch in checkedFacts.Chunk(ExportImporter.BatchSize).DefaultIfEmpty([]))
        {
            var outcome = await writer.WriteAsync(batch, rejected, [], cancellationToken);
            await RememberSourceIdsAsync(db, facts.Source, batch, cancellationToken);
            rejected = [];
            foreach (var (kind, note) in outcome.Notes)
                warnings.Add(kind, note);
            stale.AddRange(outcome.Stale);
            reopened.AddRange(outcome.Reopened);
            (created, updated, unchanged) = (created + outcome.Created, updated + outcome.Updated, unchanged + outcome.Unchanged);
        }
        if (stale.Count > 0)
            warnings.Add("stale", $"{Text.Counted.Of(stale.Count, "invoice")} left as the ledger holds {(stale.Count == 1 ? "it" : "them")}: " +
                                  "newer facts than this sync's set them");
        if (reopened.Count > 0)
            warnings.Add("reopened", $"{Text.Counted.Of(reopened.Count, "invoice")} paid before {(reopened.Count == 1 ? "is" : "are")} owing again " +
                                     $"in {facts.Label}: held (nothing is chased) until someone confirms with /chase reopen {reopened[0]}");

        // Only a whole list says what is gone, and only when no newer whole list of the source was written already.
        var flagged = 0;
        if (facts.Mode == FactsMode.Snapshot && checkedFacts.Count > 0 &&
            !await db.ImportRuns.AsNoTracking().AnyAsync(r => r.Id != run.Id && r.Origin == ImportOrigin.Sync && r.Source == facts.Source &&
                                                               r.Mode == FactsMode.Snapshot && r.Outcome == ImportOutcome.Imported && r.AsOf > run.AsOf,
                cancellationToken))
            flagged = await MissingInvoices.FlagAsync(db, writer.NotListed(), actor, now, ExportImporter.BatchSize, cancellationToken);
        // What changed in the books withdraws the proposals it undoes at once, as a payment logged in chat does: a
        // webhook's payment, not the next chase run, takes the card away from the approver.
        if (settings is not null && facts.Mode == FactsMode.Changes && checkedFacts.Count is > 0 and <= 1000)
        {
            var numbers = checkedFacts.Select(f => f.Number).ToList();
            var ids = await db.Invoices.AsNoTracking().Where(i => i.Source == facts.Source && numbers.Contains(i.Number)).Select(i => i.Id)
                .ToListAsync(cancellationToken);
            var withdrawn = await Chasing.ProposalWithdrawal.WithdrawAsync(db, settings.Ladder, ids, Today(), now, actor, cancellationToken);
            if (withdrawn.Count > 0)
            {
                await db.SaveChangesAsync(cancellationToken);
                foreach (var said in withdrawn)
                    log?.LogInformation("{Source}: {Withdrawn}", facts.Label, said);
            }
        }
        if (flagged > 0)
            warnings.Add("missing", $"{Text.Counted.Of(flagged, "open invoice")} from {facts.Source} seen before {(flagged == 1 ? "is" : "are")} " +
                                    $"not in {facts.Label}: flagged as missing, not marked paid (status shows them)");

        var rejectedCount = facts.Invoices.Count - checkedFacts.Count;
        run.Rows = facts.Invoices.Count;
        run.Invoices = created + updated + unchanged;
        (run.Created, run.Updated, run.Unchanged, run.RejectedCount) = (created, updated, unchanged, rejectedCount);
        return new ImportSummary
        {
            File = facts.Label, Format = facts.Source, RunId = run.Id, Rows = run.Rows, Invoices = run.Invoices, Created = created,
            Updated = updated, Unchanged = unchanged, RejectedCount = rejectedCount, FlaggedMissing = flagged,
            Rejected = await db.RejectedRows.AsNoTracking().Where(r => r.ImportRunId == run.Id).OrderBy(r => r.Id).Take(RejectedKeptInSummary).ToListAsync(cancellationToken),
        };
    }

    /// <summary>
    /// Each invoice's id in the source, for reading it again before a send: filled in quietly (not a change of facts, so
    /// nothing queued about the invoice is withdrawn for it), also on invoices an export created before.
    /// </summary>
    private static async Task RememberSourceIdsAsync(ChaseDbContext db, string source, IReadOnlyList<InvoiceFacts> batch, CancellationToken cancellationToken)
    {
        var ids = batch.Where(f => f.SourceId is not null).ToDictionary(f => f.Number, f => f.SourceId!, InvoiceNumbers.Comparer);
        if (ids.Count == 0)
            return;
        var numbers = ids.Keys.ToList();
        var differing = await db.Invoices.AsNoTracking().Where(i => i.Source == source && numbers.Contains(i.Number))
            .Select(i => new { i.Id, i.Number, i.SourceId }).ToListAsync(cancellationToken);
        foreach (var invoice in differing.Where(i => ids.TryGetValue(i.Number, out var id) && id != i.SourceId))
        {
            var id = ids[invoice.Number];
            await db.Invoices.Where(i => i.Id == invoice.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.SourceId, id), cancellationToken);
        }
    }

    private DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), timeZone).DateTime);
}
