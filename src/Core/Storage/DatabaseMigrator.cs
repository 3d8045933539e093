using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Storage;

public static class DatabaseMigrator
{
    /// <summary>An arbitrary constant naming ChaseBot's migration lock among PostgreSQL's advisory locks.</summary>
    private const long PostgresMigrationLock = 0x43686173_65426F74; // "ChaseBot"

    /// <summary>
    /// Creates or upgrades the schema, one process at a time, under a lock that goes away with its holder: an exclusive
    /// OS lock on "&lt;database&gt;.migrate.lock" for SQLite (the kernel drops it when the process dies, however it dies),
    /// a session advisory lock on PostgreSQL (dropped with the connection). EF Core's own SQLite lock is a table row
    /// that a killed process leaves behind for ever; holding ours, no other ChaseBot process is migrating, so such a row
    /// is stale and is removed.
    /// </summary>
    /// <param name="wait">How long to wait for another process's migration, and where to say so; null: as long as it takes.</param>
    public static async Task MigrateAsync(ChaseDbContext db, LockWait? wait = null, CancellationToken cancellationToken = default)
    {
        wait ??= new LockWait(_ => { }, Timeout.InfiniteTimeSpan);
        if (db.Database.IsSqlite())
            await MigrateSqliteAsync(db, wait, cancellationToken);
        else if (db.Database.IsNpgsql())
            await MigratePostgresAsync(db, wait, cancellationToken);
        else
            await db.Database.MigrateAsync(cancellationToken);
    }

    private static async Task MigrateSqliteAsync(ChaseDbContext db, LockWait wait, CancellationToken cancellationToken)
    {
        var file = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        if (file is "" or ":memory:")
        {
            await db.Database.MigrateAsync(cancellationToken);
            return;
        }
        var path = Path.GetFullPath(file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var held = await wait.ForAsync($"the migration lock on {path}",
            "Another ChaseBot process is migrating this database and has not finished. If none should be running, stop " +
            "the one that is (its lock goes when it ends), then start again.",
            _ => Task.FromResult(TryLock(path + ".migrate.lock")), cancellationToken);

        // WAL lets the Bot read while the Worker writes. The mode is stored in the file, so once is enough.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken);
        if (await RemoveStaleEfLockAsync(db, cancellationToken) is { } takenAt)
            wait.Say($"Removed the migration lock a stopped process left on {path} (taken {takenAt}); migrating now");
        await db.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>EF Core's lock row, if one is there (when it was taken), after deleting it.</summary>
    private static async Task<string?> RemoveStaleEfLockAsync(ChaseDbContext db, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var find = connection.CreateCommand();
            find.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock'";
            if ((long)(await find.ExecuteScalarAsync(cancellationToken))! == 0)
                return null;
            await using var remove = connection.CreateCommand();
            remove.CommandText = "DELETE FROM \"__EFMigrationsLock\" RETURNING \"Timestamp\"";
            return (await remove.ExecuteScalarAsync(cancellationToken))?.ToString();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The open lock file, or null when another process holds it.</summary>
    private static FileStream? TryLock(string lockPath)
    {
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(lockPath))
        {
            return null;
        }
    }

    private static async Task MigratePostgresAsync(ChaseDbContext db, LockWait wait, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken); // one session: the lock is held by the connection that migrates
        try
        {
            var connection = db.Database.GetDbConnection();
            await wait.ForAsync("the migration lock (another ChaseBot process is migrating this database)",
                "Another ChaseBot process holds PostgreSQL's advisory lock for ChaseBot's migration. Find it with " +
                $"SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = {PostgresMigrationLock & 0xFFFFFFFF}; if that process " +
                "is stuck, stop it or end its session (pg_terminate_backend), then start again.",
                async token =>
                {
                    await using var command = connection.CreateCommand();
                    command.CommandText = $"SELECT pg_try_advisory_lock({PostgresMigrationLock})";
                    return (bool)(await command.ExecuteScalarAsync(token))! ? "held" : null;
                }, cancellationToken);
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
