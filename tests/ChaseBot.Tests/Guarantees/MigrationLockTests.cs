using System.Diagnostics;
using ChaseBot.Tests.Exports;
using ChaseBot.Tests.Support;
using Microsoft.Data.Sqlite;
using ChaseBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace ChaseBot.Tests.Guarantees;

/// <summary>
/// A process killed while it migrates leaves nothing that stops the next start: its lock goes with it. A lock held by a
/// live process is waited for, said, shown on /readyz and given up after Database:LockTimeout, never waited on silently.
/// </summary>
[Collection(nameof(MeasuredAlone))]
public sealed class MigrationLockTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);
    private readonly string _root = Directory.CreateTempSubdirectory("chasebot-migrate-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    private Dictionary<string, string> Settings(string connectionString, bool postgres = false)
    {
        var exports = Directory.CreateDirectory(Path.Combine(_root, "exports")).FullName;
        foreach (var sample in new[] { "stripe-invoices.csv", "xero-invoices-nz.csv" })
            File.Copy(Samples.File(sample), Path.Combine(exports, sample), overwrite: true);
        var settings = new Dictionary<string, string> { ["ConnectionStrings:Chase"] = connectionString, ["Exports:Folder"] = exports };
        if (postgres)
            settings["Database:Provider"] = "Postgres";
        return settings;
    }

    [Fact]
    public async Task A_Worker_killed_while_it_holds_the_SQLite_migration_lock_does_not_stop_the_next_start()
    {
        var ledger = Path.Combine(_root, "ledger.db");
        var settings = Settings($"Data Source={ledger}");
        // A ledger from the first release with many paid invoices: upgrading it builds indexes over them, which keeps
        // the lock held long enough to be seen from outside however fast SQLite is (a fresh database migrates in
        // milliseconds, and a watcher could miss it thirty times running).
        var firstRelease = await FirstReleaseLedgerAsync(invoices: 400_000);

        var killed = false;
        for (var attempt = 0; attempt < 10 && !killed; attempt++)
        {
            foreach (var file in Directory.GetFiles(_root, "ledger.db*"))
                File.Delete(file);
            File.Copy(firstRelease, ledger);
            await using var doomed = WorkerProcess.Start(_root, settings, "run-once");
            // Watch the database from outside until EF Core's lock row is there, then kill the Worker holding it.
            for (var watch = Stopwatch.StartNew(); watch.Elapsed < Bound && !doomed.HasExited;)
            {
                if (SqliteLockRows(ledger) > 0)
                {
                    await doomed.KillAsync();
                    // Caught only if it died still holding it (it may have finished migrating as the kill went out).
                    killed = SqliteLockRows(ledger) > 0;
                    break;
                }
            }
        }
        // What the killed Worker left: the row every later start used to wait on for ever, without a word.
        Assert.True(killed, "never caught the Worker holding the migration lock");

        await using var next = WorkerProcess.Start(_root, settings, "run-once");
        var code = await next.WaitForExitAsync(Bound);

        Assert.True(code == 0, string.Join('\n', next.StandardError));
        Assert.Contains(next.Output, line => line.StartsWith("== Chase for", StringComparison.Ordinal));
        Assert.Equal(0, SqliteLockRows(ledger));
    }

    [Fact]
    public async Task A_lock_row_left_by_a_dead_process_is_removed_and_said()
    {
        var ledger = Path.Combine(_root, "ledger.db");
        await using (var connection = new SqliteConnection($"Data Source={ledger}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            // EF Core's SQLite lock as a process killed during its first migration leaves it: the lock, no history.
            command.CommandText = "CREATE TABLE \"__EFMigrationsLock\" (\"Id\" INTEGER NOT NULL PRIMARY KEY, \"Timestamp\" TEXT NOT NULL);" +
                                  "INSERT INTO \"__EFMigrationsLock\" VALUES (1, '2026-11-28 07:00:00');";
            await command.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();

        var result = await Cli.RunAsync("import", Samples.File("stripe-invoices.csv"), "--db", ledger);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Removed the migration lock a stopped process left on {ledger}", result.Error);
        Assert.Equal(0, SqliteLockRows(ledger));
    }

    [Fact]
    public async Task A_migration_lock_held_by_a_live_process_is_waited_for_out_loud_and_given_up_with_exit_1()
    {
        var ledger = Path.Combine(_root, "ledger.db");
        using var held = new FileStream(ledger + ".migrate.lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var result = await Cli.RunAsync("import", Samples.File("stripe-invoices.csv"), "--db", ledger, "--set", "Database:LockTimeout=00:00:01");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Waiting for the migration lock on {ledger} since", result.Error);
        Assert.Contains("Gave up waiting for the migration lock", result.Error);
        Assert.Contains("stop the one that is", result.Error);
        Assert.Single(result.Error.Split('\n'), line => line.StartsWith("Waiting for", StringComparison.Ordinal)); // said once
    }

    [Fact]
    public async Task While_another_process_migrates_the_service_is_live_not_ready_and_readyz_says_why()
    {
        var ledger = Path.Combine(_root, "ledger.db");
        var lockFile = new FileStream(ledger + ".migrate.lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        await using var worker = WorkerProcess.Start(_root, Settings($"Data Source={ledger}"));
        using var http = new HttpClient { BaseAddress = new Uri(worker.HealthUrl) };
        string? readyz = null;
        for (var watch = Stopwatch.StartNew(); watch.Elapsed < Bound && readyz?.Contains("waiting for the migration lock") != true; await Task.Delay(100))
            try { readyz = await (await http.GetAsync("/readyz")).Content.ReadAsStringAsync(); }
            catch (HttpRequestException) { /* not listening yet */ }

        await lockFile.DisposeAsync(); // the other process finished
        await worker.WaitUntilReadyAsync(Bound);

        Assert.Contains($"not ready: waiting for the migration lock on {ledger} since", readyz);
        Assert.Single(worker.Messages, m => m.StartsWith("Waiting for the migration lock", StringComparison.Ordinal));
        Assert.Contains(worker.Messages, m => m.StartsWith("Got the migration lock", StringComparison.Ordinal));
        await worker.TerminateAsync(Bound);
    }

    [Fact]
    public async Task Two_processes_starting_together_on_a_new_SQLite_file_migrate_it_once()
    {
        var ledger = Path.Combine(_root, "ledger.db");
        var settings = Settings($"Data Source={ledger}");

        await using var first = WorkerProcess.Start(_root, settings, "import", Samples.File("stripe-invoices.csv"));
        await using var second = WorkerProcess.Start(_root, settings, "import", Samples.File("xero-invoices-nz.csv"));
        var codes = await Task.WhenAll(first.WaitForExitAsync(Bound), second.WaitForExitAsync(Bound));

        Assert.Equal([0, 0], codes);
        await using var connection = new SqliteConnection($"Data Source={ledger};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COUNT(DISTINCT MigrationId) FROM \"__EFMigrationsHistory\"";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(reader.GetInt64(1), reader.GetInt64(0));
        Assert.True(reader.GetInt64(0) >= 5);
    }

    [Fact]
    public async Task A_Worker_killed_while_it_holds_the_PostgreSQL_migration_lock_does_not_stop_the_next_start()
    {
        var databases = new List<PostgresDatabase>();
        try
        {
            Dictionary<string, string>? settings = null;
            for (var attempt = 0; attempt < 30 && settings is null; attempt++)
            {
                var database = await PostgresServer.CreateDatabaseAsync();
                databases.Add(database);
                var candidate = Settings(database.ConnectionString, postgres: true);
                var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;
                var admin = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres", Pooling = false }.ToString();
                await using var doomed = WorkerProcess.Start(_root, candidate, "run-once");
                for (var watch = Stopwatch.StartNew(); watch.Elapsed < Bound && !doomed.HasExited && settings is null;)
                    if (await PostgresLockHeldAsync(admin, name))
                    {
                        await doomed.KillAsync();
                        settings = candidate;
                    }
            }
            Assert.True(settings is not null, "never caught the Worker holding the migration lock");

            await using var next = WorkerProcess.Start(_root, settings, "run-once");
            var code = await next.WaitForExitAsync(Bound);

            Assert.True(code == 0, string.Join('\n', next.StandardError));
            Assert.Contains(next.Output, line => line.StartsWith("== Chase for", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var database in databases)
                await database.DisposeAsync();
        }
    }

    /// <summary>Rows in EF Core's SQLite migration lock table, read from outside (0 when there is no table or file yet).</summary>
    /// <summary>A SQLite ledger at the first migration holding <paramref name="invoices"/> paid invoices of one client.</summary>
    private async Task<string> FirstReleaseLedgerAsync(int invoices)
    {
        var path = Path.Combine(_root, "first-release.db");
        var options = new DbContextOptionsBuilder<ChaseDbContext>();
        StorageRegistration.Configure(options, new DatabaseOptions(), $"Data Source={path};Pooling=False");
        await using var db = new ChaseDbContext(options.Options);
        await db.GetService<IMigrator>().MigrateAsync(db.Database.GetMigrations().First());
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "Clients" ("Name", "NormalizedName", "CreatedAt", "UpdatedAt")
            VALUES ('Kauri Digital Ltd', 'KAURI DIGITAL LTD', '2026-01-01 09:00:00', '2026-01-01 09:00:00');
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @invoices)
            INSERT INTO "Invoices" ("Source", "Number", "ClientId", "DueDate", "Currency", "Total", "AmountPaid", "AmountDue",
                "Status", "CreatedAt", "UpdatedAt")
            SELECT 'xero', 'OLD-' || i, 1, '2026-02-01', 'NZD', '100.0', '100.0', '0.0', 'Paid', '2026-01-01 09:00:00', '2026-01-01 09:00:00' FROM n;
            """, new SqliteParameter("@invoices", invoices));
        return path;
    }

    private static long SqliteLockRows(string ledger)
    {
        if (!File.Exists(ledger))
            return 0;
        try
        {
            using var connection = new SqliteConnection($"Data Source={ledger};Mode=ReadWrite;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM \"__EFMigrationsLock\"";
            return (long)command.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0; // not created yet, or busy
        }
    }

    /// <summary>Whether a session holds an advisory lock in <paramref name="database"/> (ChaseBot's migration lock is the only one).</summary>
    private static async Task<bool> PostgresLockHeldAsync(string admin, string database)
    {
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database " +
                              "WHERE l.locktype = 'advisory' AND l.granted AND d.datname = @name";
        command.Parameters.AddWithValue("name", database);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }
}
