using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
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
    /// The section as configured and validated, for what must be decided before services exist (which scheduler, whether
    /// a ledger file is there); services get the same through IOptions. A value that cannot be read names its key.
    /// </summary>
    public static DatabaseOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var result = new DatabaseOptionsValidator().Validate(null, options);
        return result.Failed ? throw new OptionsValidationException(Section, typeof(DatabaseOptions), result.Failures) : options;
    }

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

public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions o)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(o.Provider))
            failures.Add($"Database:Provider is '{o.Provider}'; expected Sqlite or Postgres");
        if (o.BusyTimeoutSeconds is < 1 or > 3600)
            failures.Add("Database:BusyTimeoutSeconds must be between 1 and 3600");
        if (o.LockTimeout < TimeSpan.Zero)
            failures.Add("Database:LockTimeout must not be negative (e.g. \"00:05:00\")");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
