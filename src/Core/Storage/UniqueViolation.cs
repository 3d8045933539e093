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
    public static bool Is(DbUpdateException exception) => exception.InnerException is { } inner && Is(inner);

    /// <summary>The same, for a statement run outside SaveChanges (<see cref="BulkInsert"/>), or the cause inside a DbUpdateException.</summary>
    public static bool Is(Exception exception) => exception switch
    {
        DbUpdateException update => Is(update),
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555, // UNIQUE, PRIMARY KEY
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
