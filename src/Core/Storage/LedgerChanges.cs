using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ChaseBot.Core.Storage;

/// <summary>
/// Tells, cheaply enough to ask on every chat request, whether anything has been committed to the database since an
/// answer was computed, so that answer can be served again while nothing changed.
/// <para>
/// SQLite keeps a counter for this: <c>PRAGMA data_version</c> on a connection changes whenever any other connection
/// (another process, or this one through EF) commits. It is read on a connection of its own that never writes, so
/// every commit counts, the Worker's import included. It costs microseconds, against a fresh EF context and a query.
/// </para>
/// <para>
/// PostgreSQL has no such counter, but its current snapshot (<c>pg_current_snapshot()</c>: the oldest transaction
/// still running, the next transaction id, and those in flight) cannot stay the same across a commit: the committing
/// transaction leaves the in-flight list, or it began after the last look and moved the next id. The version moves
/// whenever the snapshot differs. It also moves when a write merely begins, or in another database of the same
/// server: an answer is then computed again needlessly, never served stale. One round trip on a connection of its own.
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
    private DbConnection? _probe;
    private DbCommand? _read;
    private bool _postgres;
    private string? _snapshot; // PostgreSQL: the snapshot last seen
    private long _moves;       // PostgreSQL: how often it has differed since the probe was opened
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
                return (_generation << 40) | Counter(_read.ExecuteScalar()!);
            }
            catch (DbException)
            {
                // The file is not there yet, or cannot be read: not known, so nothing is served from memory. Try again next time.
                Close();
                return null;
            }
        }
    }

    private long Counter(object read)
    {
        if (!_postgres)
            return (long)read;
        var snapshot = (string)read;
        if (snapshot != _snapshot)
            (_snapshot, _moves) = (snapshot, _moves + 1);
        return _moves;
    }

    private DbCommand? Open()
    {
        string? connectionString;
        using (var db = dbFactory.CreateDbContext())
        {
            _postgres = db.Database.IsNpgsql();
            if (!_postgres && !db.Database.IsSqlite())
            {
                _unknown = true;
                return null;
            }
            connectionString = db.Database.GetConnectionString();
        }
        // Not pooled (the counter belongs to this connection), and never creating the SQLite file: a database that does
        // not exist yet has no version.
        _probe = _postgres
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3 }.ToString())
            : new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false, Mode = SqliteOpenMode.ReadWrite }.ToString());
        _probe.Open();
        var read = _probe.CreateCommand();
        read.CommandText = _postgres ? "SELECT pg_current_snapshot()::text" : "PRAGMA data_version";
        read.Prepare();
        (_snapshot, _moves) = (null, 0);
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
