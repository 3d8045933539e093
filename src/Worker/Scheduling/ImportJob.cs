using ChaseBot.Core.Exports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace ChaseBot.Worker.Scheduling;

/// <summary>
/// Reads new files from the export folder. Files already imported (by content hash) are passed over quietly;
/// a refused file is reported once per Worker start, not every 15 minutes.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ImportJob(FolderImport folderImport, IOptions<ExportOptions> options, RefusedExports refused,
    ILogger<ImportJob> log) : IJob
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
        }
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
