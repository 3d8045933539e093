using ChaseBot.Core.Delivery;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Digests;

/// <summary>The digests' pictures as kept in the ledger: read by the platforms that send them, and written to a file for the console.</summary>
public sealed class DigestCharts(IDbContextFactory<ChaseDbContext> dbFactory)
{
    public async Task<DigestChart?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.DigestCharts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
    }

    /// <summary>
    /// Writes the picture beside the SQLite ledger (in the working folder for PostgreSQL) and says where; null when the
    /// chart is gone from the ledger. A file already there for that day is replaced: it is the same day's picture, redrawn.
    /// </summary>
    public async Task<string?> WriteBesideLedgerAsync(ChatPicture picture, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.DigestCharts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == picture.ChartId, cancellationToken) is not { } chart)
            return null;
        // The file the ledger is in, as the connection opened it (a relative --db is relative to where the command ran).
        var ledger = db.Database.IsSqlite() && db.Database.GetDbConnection().DataSource is { Length: > 0 } file && file != ":memory:" ? file : null;
        var folder = ledger is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(ledger))!;
        var path = Path.Combine(folder, picture.FileName);
        await File.WriteAllBytesAsync(path, chart.Png, cancellationToken);
        return path;
    }
}
