using ChaseBot.Core.Exports;
using ChaseBot.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Support;

/// <summary>
/// A real, migrated database for one test: a SQLite file in a temporary folder, or — when CHASEBOT_TEST_POSTGRES holds
/// a server's connection string (CI starts one with tests/postgres/start.sh) — a fresh PostgreSQL database. Deleted
/// afterwards. The same tests run on both providers.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    private static readonly string? Postgres = Environment.GetEnvironmentVariable("CHASEBOT_TEST_POSTGRES");
    private readonly string? _postgresDatabase;

    public TestDatabase()
    {
        Folder = Directory.CreateTempSubdirectory("chasebot-test-").FullName;
        Path = System.IO.Path.Combine(Folder, "ledger.db");
        var options = new DbContextOptionsBuilder<ChaseDbContext>();
        if (Postgres is not null)
        {
            _postgresDatabase = "chasebot_test_" + Guid.NewGuid().ToString("N")[..16];
            using (var admin = new Npgsql.NpgsqlConnection(Postgres))
            {
                admin.Open();
                using var create = admin.CreateCommand();
                create.CommandText = $"CREATE DATABASE {_postgresDatabase}";
                create.ExecuteNonQuery();
            }
            var connection = new Npgsql.NpgsqlConnectionStringBuilder(Postgres) { Database = _postgresDatabase }.ToString();
            StorageRegistration.Configure(options, new DatabaseOptions { Provider = DatabaseProvider.Postgres }, connection);
        }
        else
            StorageRegistration.Configure(options, new DatabaseOptions(), $"Data Source={Path}");
        Options = options.Options;
        using var db = Open();
        DatabaseMigrator.MigrateAsync(db).GetAwaiter().GetResult();
    }

    /// <summary>Whether this run's tests are on PostgreSQL (CHASEBOT_TEST_POSTGRES) rather than an SQLite file.</summary>
    public static bool OnPostgres => Postgres is not null;

    public string Folder { get; }
    public string Path { get; }
    public DbContextOptions<ChaseDbContext> Options { get; }

    public ChaseDbContext Open() => new(Options);

    /// <summary>Commits a new client on a connection of its own: a change made from elsewhere, as another process would.</summary>
    public async Task CommitClientAsync(string name)
    {
        await using var db = Open();
        db.Clients.Add(new Core.Ledger.Client
        {
            Name = name, NormalizedName = Core.Ledger.Client.Normalize(name), CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    public IDbContextFactory<ChaseDbContext> Factory => new OptionsFactory(Options);

    /// <summary>An importer on this database, with a fake clock, counting days in UTC.</summary>
    public ExportImporter Importer(TimeProvider? clock = null) =>
        new(Factory, clock ?? Clocks.At("2026-11-21T09:00:00Z"), TimeZoneInfo.Utc);

    /// <summary>Writes a file into this test's folder and returns its path.</summary>
    public string WriteFile(string name, string content, System.Text.Encoding? encoding = null)
    {
        var path = System.IO.Path.Combine(Folder, name);
        File.WriteAllText(path, content, encoding ?? new System.Text.UTF8Encoding(false));
        return path;
    }

    public string WriteBytes(string name, byte[] content)
    {
        var path = System.IO.Path.Combine(Folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (_postgresDatabase is not null)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            using var admin = new Npgsql.NpgsqlConnection(Postgres);
            admin.Open();
            using var drop = admin.CreateCommand();
            drop.CommandText = $"DROP DATABASE IF EXISTS {_postgresDatabase} WITH (FORCE)";
            drop.ExecuteNonQuery();
        }
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { /* A file still open on a slow CI machine: the temp folder is cleaned by the OS. */ }
    }

    /// <summary>Options for a ChaseBot database this class did not create: another process's file, a cluster's database.</summary>
    public static DbContextOptions<ChaseDbContext> OptionsFor(string connectionString, DatabaseProvider provider = DatabaseProvider.Sqlite,
        params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors)
    {
        var options = new DbContextOptionsBuilder<ChaseDbContext>();
        StorageRegistration.Configure(options, new DatabaseOptions { Provider = provider }, connectionString);
        if (interceptors.Length > 0)
            options.AddInterceptors(interceptors);
        return options.Options;
    }

    public static IDbContextFactory<ChaseDbContext> FactoryFor(DbContextOptions<ChaseDbContext> options) => new OptionsFactory(options);

    private sealed class OptionsFactory(DbContextOptions<ChaseDbContext> options) : IDbContextFactory<ChaseDbContext>
    {
        public ChaseDbContext CreateDbContext() => new(options);
    }
}
