using ChaseBot.Core.Ledger;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Exports;

/// <summary>An import the database would not take: said in words a person can act on, and its run marked failed where it still can be.</summary>
public sealed partial class ExportImporter
{
    /// <summary>The import, or, where not even its run could be recorded, a failed summary that says why.</summary>
    private async Task<ImportSummary> ImportOrFailAsync(string path, ImportSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            return await ImportOrRefuseAsync(path, settings, cancellationToken);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or DbUpdateException)
        {
            // Not even the run could be recorded (a read-only or full database before anything was written).
            return new ImportSummary
            {
                File = Path.GetFileName(path), Outcome = ImportOutcome.Failed,
                Message = $"nothing from this file was imported: {Describe(e)}",
            };
        }
    }

    /// <summary>What a user can act on, from a database error (the innermost message says "disk is full" or "readonly").</summary>
    private static string Describe(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null)
            inner = inner.InnerException;
        return $"the database could not be written ({inner.Message.TrimEnd('.')}). Check the disk space and that the " +
               "database file and its folder are writable, then import the file again";
    }

    private async Task MarkFailedAsync(long runId, string message)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            await db.ImportRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Outcome, ImportOutcome.Failed)
                .SetProperty(r => r.Message, message.Length > 2000 ? message[..2000] : message)
                .SetProperty(r => r.FinishedAt, clock.GetUtcNow().UtcDateTime));
        }
        catch (Exception e) when (e is System.Data.Common.DbException or DbUpdateException)
        {
            // Still unwritable: the run stays "running", which status and the next import show as interrupted.
        }
    }
}
