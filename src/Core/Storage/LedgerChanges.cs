using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Storage;

/// <summary>
/// Tells, cheaply enough to ask on every chat request, whether anything has been committed to the database since an
/// answer was computed, so that answer can be served again while nothing changed.
/// <para>
/// SQLite keeps a counter for this: <c>PRAGMA data_version</c> on a connection changes whenever any other connection
/// (another process, or this one through EF) commits. It is read on a connection of its own that never writes, so
/// every commit counts, the Worker's import included. It costs microseconds, against a fresh EF context and a query.
/// PostgreSQL has no such counter; there the version is unknown (null) and callers compute their answer every time.
/// </para>
/// </summary>
/// <param name="reopenAfter">
/// How often the probe connection is opened afresh (default 30 s). A connection keeps the file it opened: were the
/// database file replaced (restored from a backup), the old one's counter would never move again. Reopening bounds that.
/// </param>
public sealed class LedgerChanges(IDbContextFactory<ChaseDbContext> dbFactory, TimeProvider time, TimeSpan? reopenAfter = null) : IDisposable
{
    private readonly TimeSpan _reopenAfter = reopenAfter ?? TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private SqliteConnection? _probe;
    private SqliteCommand? _read;
    private long _openedAt; // TimeProvider timestamp
    private long _generation;
    private bool _unknown;

    /// <summary>A value that differs after every commit to the database; null when the database cannot say.</summary>
    public long? Version()
    {
        lock (_gate)
        {
            if (_unknown)
                return null;
            try
            {
                if (_read is not null && time.GetElapsedTime(_openedAt) > _reopenAfter)
                    Close();
                _read ??= Open();
                if (_read is null)
                    return null;
                // Counters of two connections are not comparable: each opening is a generation of its own.
                return (_generation << 40) | (long)_read.ExecuteScalar()!;
            }
            catch (SqliteException)
            {
                // The file is not there yet, or cannot be read: not known, so nothing is served from memory. Try again next time.
                Close();
                return null;
            }
        }
    }

    private SqliteCommand? Open()
    {
        string? connectionString;
        using (var db = dbFactory.CreateDbContext())
        {
            if (!db.Database.IsSqlite())
            {
                _unknown = true;
                return null;
            }
            connectionString = db.Database.GetConnectionString();
        }
        // Not pooled (the counter belongs to this connection), and never creating the file: a database that does not
        // exist yet has no version.
        var probe = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString)
            { Pooling = false, Mode = SqliteOpenMode.ReadWrite }.ToString());
        probe.Open();
        _probe = probe;
        var read = probe.CreateCommand();
        read.CommandText = "PRAGMA data_version";
        read.Prepare();
        _openedAt = time.GetTimestamp();
        _generation++;
        return read;
    }

    private void Close()
    {
        _read?.Dispose();
        _probe?.Dispose();
        (_read, _probe) = (null, null);
    }

    public void Dispose()
    {
        lock (_gate)
            Close();
    }
}
