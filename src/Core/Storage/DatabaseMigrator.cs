using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Storage;

public static class DatabaseMigrator
{
    /// <summary>
    /// Creates or upgrades the schema. Safe to call from Bot and Worker at once: EF takes a migration lock.
    /// </summary>
    public static async Task MigrateAsync(ChaseDbContext db, CancellationToken cancellationToken = default)
    {
        if (db.Database.IsSqlite())
        {
            var file = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            var folder = Path.GetDirectoryName(Path.GetFullPath(file));
            if (!string.IsNullOrEmpty(folder) && file != ":memory:")
                Directory.CreateDirectory(folder);
            // WAL lets the Bot read while the Worker writes. The mode is stored in the file, so once is enough.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken);
        }
        await db.Database.MigrateAsync(cancellationToken);
    }
}
