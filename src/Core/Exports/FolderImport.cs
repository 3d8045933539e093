using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Exports;

/// <summary>What importing a folder did: a summary per file read, and every file passed over with why.</summary>
public sealed record FolderImportResult(IReadOnlyList<ImportSummary> Imports, IReadOnlyList<SkippedExport> Skipped)
{
    public bool Empty => Imports.Count == 0 && Skipped.Count == 0;
}

/// <summary>Imports every ready file of an export folder, oldest first.</summary>
public sealed class FolderImport(ExportImporter importer, IDbContextFactory<ChaseDbContext> dbFactory)
{
    private readonly FileObservations _observations = new(); // the scheduled job's runs share what they saw
    /// <summary>
    /// With <paramref name="quietlySkip"/> (the scheduled job), files whose content was imported before, or was
    /// refused by this process already, are passed over without a new import run; a person running the command
    /// is told about each file instead.
    /// </summary>
    public async Task<FolderImportResult> ImportAsync(string folder, ImportSettings settings, TimeSpan settleTime,
        ISet<string>? quietlySkip, CancellationToken cancellationToken = default)
    {
        var scan = await new ExportFolder(folder, observations: _observations).ScanAsync(settleTime, cancellationToken);
        var summaries = new List<ImportSummary>();
        foreach (var file in scan.Ready)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? hash = null;
            if (quietlySkip is not null)
            {
                await using (var stream = file.OpenRead())
                    hash = (await ExportFileFacts.InspectAsync(stream, cancellationToken)).Hash;
                if (quietlySkip.Contains(hash) || await AlreadyImportedAsync(hash, cancellationToken))
                    continue;
            }
            var summary = await importer.ImportFileAsync(file.FullName, settings, cancellationToken);
            if (scan.Warnings.TryGetValue(file.Name, out var warning))
                summary = summary with { Warnings = [warning, .. summary.Warnings] };
            // Set aside until it changes: a refused or unreadable file is not tried again every few seconds, and the
            // files after it are still imported.
            if ((summary.Refused || summary.Unreadable) && quietlySkip is not null)
                quietlySkip.Add(hash!);
            summaries.Add(summary);
        }
        return new FolderImportResult(summaries, scan.Skipped);
    }

    private async Task<bool> AlreadyImportedAsync(string hash, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ImportRuns.AnyAsync(r => r.FileHash == hash && r.Outcome == ImportOutcome.Imported, cancellationToken);
    }
}
