using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Storage;

public static class DatabaseMigrator
{
    /// <summary>An arbitrary constant naming ChaseBot's migration lock among PostgreSQL's advisory locks.</summary>
    private const long PostgresMigrationLock = 0x43686173_65426F74; // "ChaseBot"

    /// <summary>
    /// Creates or upgrades the schema. Safe to call from several Bots and Workers at once: on PostgreSQL they queue on
    /// an advisory lock (seen without it: two fresh Workers both adding the same column); SQLite's writer lock serialises them.
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
        if (!db.Database.IsNpgsql())
        {
            await db.Database.MigrateAsync(cancellationToken);
            return;
        }
        await db.Database.OpenConnectionAsync(cancellationToken); // one session: the lock is held by the connection that migrates
        try
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({PostgresMigrationLock})", cancellationToken);
            try
            {
                await db.Database.MigrateAsync(cancellationToken);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({PostgresMigrationLock})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
