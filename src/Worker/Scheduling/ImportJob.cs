using ChaseBot.Core.Exports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace ChaseBot.Worker.Scheduling;

/// <summary>
/// Reads new files from the export folder. Files already imported (by content hash) are passed over quietly;
/// a refused file is set aside (not read again by this Worker until it changes) and said in the channel once per
/// content, even across restarts.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ImportJob(FolderImport folderImport, IOptions<ExportOptions> options, RefusedExports refused,
    ILogger<ImportJob> log, ExportSetAsideNotice? notice = null) : IJob
{
    public static readonly JobKey Key = new("import-exports");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var exports = options.Value;
        var result = await folderImport.ImportAsync(exports.Folder, ImportSettings.From(exports) with { StartedBy = "worker" },
            exports.SettleTime, refused.Hashes, cancellationToken);
        foreach (var skipped in result.Skipped.Where(refused.FirstSkip))
            log.LogInformation("Not reading {File}: {Reason}", skipped.File, skipped.Reason);
        foreach (var s in result.Imports)
        {
            if (s.Refused)
                log.LogWarning("Refused {File}: {Reason}", s.File, s.Message);
            else if (s.Failed)
                log.LogError("Could not import {File}: {Reason}", s.File, s.Message); // retried at the next run
            else
                log.LogInformation(
                    "Imported {File} ({Format}): {Invoices} invoices, {Created} new, {Updated} updated, {Unchanged} unchanged, " +
                    "{Rejected} rows rejected, {Missing} flagged missing", s.File, s.Format, s.Invoices, s.Created, s.Updated,
                    s.Unchanged, s.RejectedCount, s.FlaggedMissing);
            foreach (var warning in s.Warnings)
                log.LogWarning("{File}: {Warning}", s.File, warning);
            if ((s.Refused || s.Unreadable) && notice is not null)
                await notice.SayAsync(s, cancellationToken);
        }
    }
}

/// <summary>
/// Tells the channel, once, that an export in the folder was set aside and why: the person who dropped it there may
/// never read the Worker's log, and until they replace the file its invoices are not in the ledger.
/// </summary>
public sealed class ExportSetAsideNotice(Microsoft.EntityFrameworkCore.IDbContextFactory<Core.Storage.ChaseDbContext> dbFactory,
    Core.Chasing.ChaseSettings settings, TimeProvider clock)
{
    public async Task SayAsync(ImportSummary refused, CancellationToken cancellationToken)
    {
        if (refused.RunId == 0)
            return; // not even the run could be recorded: the log has it
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var hash = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.ImportRuns.Where(r => r.Id == refused.RunId).Select(r => r.FileHash), cancellationToken);
        var key = Core.Delivery.OutboxKey.ExportSetAside(hash);
        if (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.Outbox, m => m.Key == key.Value, cancellationToken))
            return;
        var now = clock.GetUtcNow();
        Core.Delivery.OutboxQueue.Add(db, key, Core.Delivery.OutboxKinds.ExportSetAside, settings.DefaultChannel, new Core.Delivery.ChatMessage
        {
            Title = $"Not imported: {Core.Text.Printable.Of(refused.File)}",
            Lines =
            [
                $"ChaseBot set this export aside: {refused.Message?.TrimEnd('.')}.",
                "Its invoices are not in the ledger. The other files in the folder are imported as usual; this one is tried again once it changes (save or export it again).",
            ],
        }, now.UtcDateTime, settings.Calendar.NextAllowed(now).UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>Hashes of files refused since this Worker started, so they are not retried (and re-reported) every run.</summary>
public sealed class RefusedExports
{
    private readonly HashSet<SkippedExport> _skipped = [];

    public HashSet<string> Hashes { get; } = [];

    /// <summary>True the first time this Worker passes over a file for this reason (so the log says it once, not every run).</summary>
    public bool FirstSkip(SkippedExport skipped) => _skipped.Add(skipped);
}
