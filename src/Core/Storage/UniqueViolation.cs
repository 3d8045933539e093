using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ChaseBot.Core.Storage;

public static class UniqueViolation
{
    /// <summary>
    /// True when a save failed only because a unique key already holds the row: another run decided the same
    /// thing first. Anything else (a full disk, a lost connection) is a real failure and must surface.
    /// </summary>
    public static bool Is(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555, // UNIQUE, PRIMARY KEY
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
