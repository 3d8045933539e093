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
    public const string DefaultSqliteConnectionString = "Data Source=chasebot.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>How long a writer waits for another process's write lock before giving up.</summary>
    public int BusyTimeoutSeconds { get; set; } = 30;
}
