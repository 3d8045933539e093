using Microsoft.Data.Sqlite;
using Npgsql;

namespace ChaseBot.Core.Storage;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Section "Database". The connection string itself is ConnectionStrings:Chase.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string ConnectionStringName = "Chase";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>How long a writer waits for another process's write lock before giving up.</summary>
    public int BusyTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// How long a starting process waits for another's migration, or for an unreachable database, before it gives up
    /// (exit code 1, saying what to do).
    /// </summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The SQLite ledger when no connection string names one: one per user (XDG_DATA_HOME or ~/.local/share on Linux,
    /// %LOCALAPPDATA% on Windows), so the Bot and the Worker open the same file whatever folder each was started in.
    /// </summary>
    public static string DefaultSqlitePath
    {
        get
        {
            var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            return Path.Combine(string.IsNullOrEmpty(data) ? AppContext.BaseDirectory : data, "ChaseBot", "chasebot.db");
        }
    }

    /// <summary>The configured SQLite connection string, or the default ledger's.</summary>
    public static string SqliteConnectionString(string? configured) =>
        string.IsNullOrWhiteSpace(configured) ? $"Data Source={DefaultSqlitePath}" : configured;

    /// <summary>The full path of the SQLite file a connection string opens; null for an in-memory database.</summary>
    public static string? SqliteFile(string? configured)
    {
        var file = new SqliteConnectionStringBuilder(SqliteConnectionString(configured)).DataSource;
        return file is "" or ":memory:" ? null : Path.GetFullPath(file);
    }

    /// <summary>Which ledger a process opens, for its start-up log: provider and file, or host and database; never a password.</summary>
    public static string Describe(DatabaseProvider provider, string? connectionString)
    {
        if (provider == DatabaseProvider.Sqlite)
            return $"SQLite file {SqliteFile(connectionString) ?? ":memory:"}";
        var postgres = new NpgsqlConnectionStringBuilder(connectionString);
        return $"PostgreSQL database '{postgres.Database}' on {postgres.Host}:{postgres.Port} as '{postgres.Username}'";
    }
}
