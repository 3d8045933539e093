using Microsoft.Extensions.Logging;
using ChaseBot.Core.Exports.Parsing;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Exports;

/// <summary>
/// Imports one export file into the ledger, streaming so memory stays flat whatever the size: first the bytes (hash,
/// encoding, binary check), then the rows: read, merged per invoice, written in batches. A file is refused whole
/// (nothing written but the evidence) when it is unreadable: broken bytes or CSV, no known header, dates that disagree
/// on day-first or month-first (see <see cref="FileDateOrder"/>); otherwise a bad row is rejected and the rest imports.
/// <para>
/// Reading the rows is one transaction: a file is imported whole or not at all. A database that cannot be written (full disk,
/// read-only file, a lost connection) rolls it back and the run says so; there is never half a file in the ledger.
/// With SQLite the transaction holds the write lock for the import; other writers wait (Database:BusyTimeoutSeconds).
/// </para>
/// </summary>
public sealed partial class ExportImporter(IDbContextFactory<ChaseDbContext> dbFactory, TimeProvider clock, TimeZoneInfo timeZone,
    Microsoft.Extensions.Logging.ILogger<ExportImporter>? log = null)
{
    public const int BatchSize = 500;
    private const int RejectedKeptInSummary = 1000;

    public async Task<ImportSummary> ImportFileAsync(string path, ImportSettings settings, CancellationToken cancellationToken = default)
    {
        using var span = Telemetry.ChaseTraces.Source.StartActivity("import file");
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var summary = await ImportOrFailAsync(path, settings, cancellationToken);
        Telemetry.ChaseMetrics.RecordImport("files", summary.Outcome, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        span?.SetTag("chasebot.format", summary.Format).SetTag("chasebot.outcome", summary.Outcome.ToString().ToLowerInvariant())
            .SetTag("chasebot.invoices", summary.Invoices);
        return summary;
    }

    private async Task<ImportSummary> ImportOrRefuseAsync(string path, ImportSettings settings, CancellationToken cancellationToken)
    {
        long? runId = null;
        try
        {
            return await ImportOrRefuseAsync(path, settings, id => runId = id, cancellationToken);
        }
        catch (Exception e) when (e is not (OperationCanceledException or System.Data.Common.DbException or DbUpdateException))
        {
            // A file no rule foresaw must not stop the service or leave its run "running": the run fails, naming the
            // error, and the next file is imported. The error is a bug to fix, so it is logged in full.
            log?.LogError(e, "Import of {File} failed on an unexpected error", Path.GetFileName(path));
            var message = $"nothing from this file was imported: ChaseBot could not read it ({e.GetType().Name}: {e.Message})";
            if (runId is { } id)
                await MarkFailedAsync(id, message);
            return new ImportSummary
            {
                File = Path.GetFileName(path), Outcome = ImportOutcome.Failed, Message = message, RunId = runId ?? 0, Unreadable = true,
            };
        }
    }

    private async Task<ImportSummary> ImportOrRefuseAsync(string path, ImportSettings settings, Action<long> started, CancellationToken cancellationToken)
    {
        var fileName = Path.GetFileName(path);
        ExportFileFacts facts;
        await using (var bytes = ExportFileReading.OpenRead(path))
            facts = await ExportFileFacts.InspectAsync(bytes, cancellationToken);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var run = new ImportRun
        {
            FileName = fileName, FileHash = facts.Hash, FileSize = facts.Size, StartedAt = now,
            Outcome = ImportOutcome.Running, AsOf = AsOf(path),
        };

        var earlier = await db.ImportRuns.AsNoTracking()
            .Where(r => r.FileHash == facts.Hash && r.Outcome == ImportOutcome.Imported)
            .OrderBy(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        if (earlier is not null)
        {
            run.Outcome = ImportOutcome.AlreadyImported;
            run.Format = earlier.Format;
            run.FinishedAt = now;
            run.Message = $"the same file was imported on {earlier.StartedAt:yyyy-MM-dd HH:mm} UTC " +
                          $"(run {earlier.Id}, {earlier.FileName}); nothing changed";
            db.ImportRuns.Add(run);
            await db.SaveChangesAsync(cancellationToken);
            return new ImportSummary { File = fileName, Format = run.Format, Outcome = run.Outcome, Message = run.Message, RunId = run.Id };
        }

        db.ImportRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken); // Evidence first: a crash mid-import leaves a Running run behind.
        started(run.Id);

        var warnings = new ImportWarnings();
        if (facts.EncodingWarning is not null)
            warnings.Add("encoding", facts.EncodingWarning);
        try
        {
            if (facts.Problem is not null)
                throw new ExportRefusedException(facts.Problem);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var (counts, rejected) = await ReadAndWriteAsync(db, run, path, facts, settings, warnings, cancellationToken);
            run.Outcome = ImportOutcome.Imported;
            run.FinishedAt = clock.GetUtcNow().UtcDateTime;
            run.Warnings = string.Join('\n', warnings.ToList());
            db.ImportRuns.Update(run); // Batches clear the change tracker; attach the run again to save its counts.
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return counts with
            {
                File = fileName, Format = run.Format, Outcome = run.Outcome, RunId = run.Id,
                Rejected = rejected, Warnings = warnings.ToList(),
            };
        }
        catch (Exception e) when (e is System.Data.Common.DbException or DbUpdateException or IOException)
        {
            // The transaction is rolled back as it is disposed. Record why on a fresh connection, if it can be written.
            var message = $"nothing from this file was imported: {Describe(e)}";
            await MarkFailedAsync(run.Id, message);
            return new ImportSummary
            {
                File = fileName, Format = run.Format, Outcome = ImportOutcome.Failed, Message = message, RunId = run.Id,
                Warnings = warnings.ToList(),
            };
        }
        catch (ExportRefusedException refused)
        {
            db.ChangeTracker.Clear();
            run = (await db.ImportRuns.FindAsync([run.Id], cancellationToken))!;
            run.Outcome = ImportOutcome.Refused;
            run.Message = refused.Message;
            run.FinishedAt = clock.GetUtcNow().UtcDateTime;
            run.Warnings = string.Join('\n', warnings.ToList());
            await db.SaveChangesAsync(cancellationToken);
            return new ImportSummary
            {
                File = fileName, Format = run.Format, Outcome = run.Outcome, Message = refused.Message, RunId = run.Id,
                Warnings = warnings.ToList(),
            };
        }
    }

    /// <summary>The rows: to invoices to the ledger, a batch at a time.</summary>
    private async Task<(ImportSummary Counts, List<RejectedRow> Rejected)> ReadAndWriteAsync(ChaseDbContext db, ImportRun run,
        string path, ExportFileFacts facts, ImportSettings settings, ImportWarnings warnings,
        CancellationToken cancellationToken)
    {
        var batches = 0;
        var (reader, header) = ExportFileReading.OpenAtHeader(path, facts, settings);
        using var file = reader;
        var format = header.Format;
        run.Format = format.Name;
        // The export's own date, where it says one: a report re-run for an earlier day holds that day's facts. Never
        // later than the file's modified time (a report "as of" today was saved before the end of today).
        if (Parsing.PreambleDate.Of(reader.Preamble) is { } said && (run.AsOf is not { } saved || said < saved))
            run.AsOf = said;
        if (format.WithoutDueDate == WithoutDueDate.PaymentTermAfterIssue && settings.PaymentTermDays is null)
            throw new ExportRefusedException(
                "FreshBooks exports have no due date, so ChaseBot needs your payment term to know when invoices are due: " +
                "set Exports:FreshBooks:PaymentTermDays (e.g. 30 for net 30) or pass --payment-term-days 30");
        var dates = new FileDateOrder(settings.DateOrder, () => ExportFileReading.FirstDecidingDate(path, facts, settings));
        var rows = new InvoiceRowReader(header, dates, settings, warnings,
            new FileDecimalMark(() => ExportFileReading.FirstDecidingAmount(path, facts, settings)));
        var batch = new InvoiceBatch(format.LineItems, warnings);
        var actor = $"import run {run.Id} ({run.FileName}, {settings.StartedBy})";
        var now = clock.GetUtcNow().UtcDateTime;
        // What the ledger holds for the source, before the first row is read: the reading half checks fingerprints in it.
        var index = await LedgerIndex.ReadAsync(db, format.Source, cancellationToken);
        var writer = new LedgerWriter(db, run, format.Source, actor, Today(), now, index);

        var reading = new InvoiceBatchReading(reader, header, rows, batch, run.Id, BatchSize, RejectedKeptInSummary, index,
            Fingerprints(header, facts, settings) ? ImportFingerprint.FileContext(header, settings) : null);
        var lateRejections = new List<RejectedRow>();
        List<string> stale = [], reopened = [];
        int created = 0, updated = 0, unchanged = 0, lateRejectedCount = 0;

        // Reading runs on a thread of its own, a batch or two ahead of the writer; the database is touched here only.
        var handedOver = InvoiceBatchReading.NewChannel();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var read = Task.Run(() => reading.ReadAsync(handedOver.Writer, stop.Token), stop.Token);
        try
        {
            await foreach (var (invoices, rejectedWhileReading, passedOver) in handedOver.Reader.ReadAllAsync(stop.Token))
            {
                var outcome = await writer.WriteAsync(invoices, rejectedWhileReading, passedOver, cancellationToken);
                foreach (var late in outcome.Rejected.Skip(rejectedWhileReading.Count))
                {
                    if (lateRejections.Count < RejectedKeptInSummary)
                        lateRejections.Add(late);
                    lateRejectedCount++;
                }
                foreach (var (kind, note) in outcome.Notes)
                    warnings.Add(kind, note);
                stale.AddRange(outcome.Stale.Take(RejectedKeptInSummary - stale.Count));
                reopened.AddRange(outcome.Reopened.Take(RejectedKeptInSummary - reopened.Count));
                (created, updated, unchanged) = (created + outcome.Created, updated + outcome.Updated, unchanged + outcome.Unchanged);
                settings.Progress?.Report(new ImportProgress(++batches, created + updated + unchanged));
            }
        }
        catch
        {
            await stop.CancelAsync(); // the writer failed: the reader stops too, and the writer's failure is the one reported
            try { await read; }
            catch (Exception) { /* stopped, or failed too: the writer's failure came first */ }
            throw;
        }
        await read; // a file refused or unreadable part-way: nothing is kept (the transaction is not committed)

        // A header and nothing under it is a file cut short (or saved before its rows were written), not news that
        // nobody owes anything: a report that says its total (an aging report of zero) is news, and is imported.
        if (reading.RowCount == 0 && reading.ReportTotal is null)
            throw new ExportRefusedException("the file has no rows: only a header, so it was cut short or saved before its rows were written");
        var keptRejections = reading.KeptRejections.Concat(lateRejections).OrderBy(r => r.Line).Take(RejectedKeptInSummary).ToList();
        var (rowCount, rejectedCount) = (reading.RowCount, reading.RejectedCount + lateRejectedCount);
        foreach (var (type, count) in reading.NotInvoices)
            warnings.Add("not-invoices", $"{Text.Counted.Of(count, "row")} of type '{type}' {(count == 1 ? "is not an invoice and was" : "are not invoices and were")} passed over");
        if (reading.ReportTotal is { Balance: { } reported } reportTotal && reading.DueByCurrency.Count == 1)
        {
            var sum = reading.DueByCurrency.Values.Single() + reading.NotInvoiceBalance;
            if (sum != reported)
                warnings.Add("reconcile",
                    $"the report's TOTAL row (line {reportTotal.Line}) says {Money.Format(reported)} but its rows add up to " +
                    $"{Money.Format(sum)}; the rows were imported as they are");
        }

        var invoiceCount = created + updated + unchanged;
        if (stale.Count > 0)
            warnings.Add("stale", $"{Listed(stale)} left as {(stale.Count == 1 ? "it was" : "they were")}: this export (as of {Said(run.AsOf)}) " +
                                  $"is older than the export that last set {(stale.Count == 1 ? "it" : "them")}, and older facts never overwrite newer ones");
        if (reopened.Count > 0)
            warnings.Add("reopened", $"{Listed(reopened)} {(reopened.Count == 1 ? "was" : "were")} paid and {(reopened.Count == 1 ? "is" : "are")} owing again in this export: " +
                                     $"held (nothing is chased) until someone confirms with /chase reopen {reopened[0]}");
        // A snapshot older than one already imported from the same source cannot say what is missing now.
        var newerImported = await db.ImportRuns.AsNoTracking().AnyAsync(r => r.Id != run.Id && r.Outcome == ImportOutcome.Imported &&
                                                                            r.Format == run.Format && r.AsOf > run.AsOf, cancellationToken);
        var flagged = 0;
        if (invoiceCount > 0 && !newerImported)
            flagged = await MissingInvoices.FlagAsync(db, writer.NotListed().Where(i => !reading.RejectedNumbers.Contains(i.Number)), actor, now,
                BatchSize, cancellationToken);
        if (flagged > 0)
            warnings.Add("missing",
                $"{Text.Counted.Of(flagged, "open invoice")} from {format.Source} seen in earlier exports {(flagged == 1 ? "is" : "are")} not in this one: " +
                "flagged as missing, not marked paid (status shows them)");

        run.Rows = rowCount;
        run.Invoices = invoiceCount;
        (run.Created, run.Updated, run.Unchanged, run.RejectedCount) = (created, updated, unchanged, rejectedCount);
        var summary = new ImportSummary
        {
            File = run.FileName, Rows = rowCount, Invoices = invoiceCount, Created = created, Updated = updated,
            Unchanged = unchanged, UnchangedUnread = reading.PassedOver, RejectedCount = rejectedCount, FlaggedMissing = flagged,
        };
        return (summary, keptRejections);
    }

    /// <summary>
    /// Whether this file's invoices get fingerprints, so a later import can pass over their unchanged rows
    /// (<see cref="ImportFingerprint"/>). Only where a row's reading depends on nothing but its bytes, its dates and the
    /// settings the fingerprint holds: the built-in formats (a generic mapping or a host's format may read by rules the
    /// fingerprint cannot see), UTF-8 files (a row is read again from its bytes when its fingerprint does not vouch for it),
    /// a currency column, and line items that are not summed (without a currency column or a balance, reading a row also
    /// warns about the whole file, which a row passed over would not).
    /// </summary>
    private static bool Fingerprints(ExportHeader header, ExportFileFacts facts, ImportSettings settings) =>
        facts.Encoding is System.Text.UTF8Encoding && header.Has(ExportField.Number) && header.Has(ExportField.Currency) &&
        header.Format.LineItems != LineItems.Summed && header.Format != settings.GenericFormat && !settings.ExtraFormats.Contains(header.Format);

    /// <summary>When an export's facts were true: the file's modified time, which a download or a copy keeps (or the export's own date, earlier, read with its header).</summary>
    private static DateTime? AsOf(string path)
    {
        try { return File.GetLastWriteTimeUtc(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>"20 Nov 2026 09:00 UTC"; a day the export itself named ("as of 10 November") is said as the day.</summary>
    private static string Said(DateTime? at) => at switch
    {
        { } day when day.TimeOfDay == Parsing.PreambleDate.EndOfDay => $"{day:d MMM yyyy}",
        { } t => $"{t:d MMM yyyy HH:mm} UTC",
        null => "an unknown time",
    };

    /// <summary>"Invoice S-1", "Invoices S-1, S-2 and S-3", "Invoices S-1, S-2, … and 40 more".</summary>
    private static string Listed(IReadOnlyList<string> numbers) => numbers.Count switch
    {
        1 => $"Invoice {numbers[0]}",
        <= 5 => $"Invoices {string.Join(", ", numbers.Take(numbers.Count - 1))} and {numbers[^1]}",
        _ => $"Invoices {string.Join(", ", numbers.Take(5))} and {numbers.Count - 5} more",
    };

    private DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), timeZone).DateTime);
}
