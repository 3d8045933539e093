using ChaseBot.Core.Delivery;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ChaseBot.Core.Digests;

/// <summary>The digests' pictures as kept in the ledger: read by the platforms that send them, and written to a file for the console.</summary>
public sealed class DigestCharts(IDbContextFactory<ChaseDbContext> dbFactory, IOptions<DatabaseOptions> database, IConfiguration configuration)
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
        if (await FindAsync(picture.ChartId, cancellationToken) is not { } chart)
            return null;
        var ledger = database.Value.Provider == DatabaseProvider.Sqlite
            ? DatabaseOptions.SqliteFile(configuration.GetConnectionString(DatabaseOptions.ConnectionStringName))
            : null;
        var folder = ledger is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(ledger)!;
        var path = Path.Combine(folder, picture.FileName);
        await File.WriteAllBytesAsync(path, chart.Png, cancellationToken);
        return path;
    }
}
