using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Exports;

/// <summary>Imports every ready file of an export folder, oldest first.</summary>
public sealed class FolderImport(ExportImporter importer, IDbContextFactory<ChaseDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>
    /// With <paramref name="quietlySkip"/> (the scheduled job), files whose content was imported before, or was
    /// refused by this process already, are passed over without a new import run; a person running the command
    /// is told about each file instead.
    /// </summary>
    public async Task<IReadOnlyList<ImportSummary>> ImportAsync(string folder, ImportSettings settings, TimeSpan settleTime,
        ISet<string>? quietlySkip, CancellationToken cancellationToken = default)
    {
        var summaries = new List<ImportSummary>();
        foreach (var file in new ExportFolder(folder, clock).ReadyFiles(settleTime))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (quietlySkip is not null)
            {
                string hash;
                await using (var stream = file.OpenRead())
                    hash = (await ExportFileFacts.InspectAsync(stream, cancellationToken)).Hash;
                if (quietlySkip.Contains(hash) || await AlreadyImportedAsync(hash, cancellationToken))
                    continue;
                var summary = await importer.ImportFileAsync(file.FullName, settings, cancellationToken);
                if (summary.Refused)
                    quietlySkip.Add(hash);
                summaries.Add(summary);
                continue;
            }
            summaries.Add(await importer.ImportFileAsync(file.FullName, settings, cancellationToken));
        }
        return summaries;
    }

    private async Task<bool> AlreadyImportedAsync(string hash, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ImportRuns.AnyAsync(r => r.FileHash == hash && r.Outcome == ImportOutcome.Imported, cancellationToken);
    }
}
