using System.Buffers.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Storage;

/// <summary>
/// A query over the whole ledger stepped through SQLitePCLRaw, for the few reads where Microsoft.Data.Sqlite's per-value
/// checks and EF's materialising were most of the time (an import's ledger index, the whole-ledger totals, the sales by
/// month, planning's open invoices). Values are read in the forms EF writes through Microsoft.Data.Sqlite (amounts and
/// dates as text); a value in any other form, or a statement SQLite will not prepare, gives up, and the caller reads
/// through EF instead.
/// </summary>
internal sealed class SqliteSteps(SQLitePCL.sqlite3_stmt statement)
{
    /// <summary>A value not in the form EF writes: the whole reading is given up.</summary>
    private sealed class NotEfForm : Exception;

    /// <summary>
    /// Runs <paramref name="query"/> on the open <paramref name="connection"/>, handing each row to <paramref name="each"/>;
    /// false when it could not be read this way (nothing <paramref name="each"/> was given then may be kept).
    /// </summary>
    /// <param name="values">What is bound to ?1, ?2…, in order: text or 64-bit integers.</param>
    public static bool TryEach(SqliteConnection connection, string query, IReadOnlyList<object> values, Action<SqliteSteps> each)
    {
        var db = connection.Handle!;
        if (SQLitePCL.raw.sqlite3_prepare_v2(db, query, out var statement) != SQLitePCL.raw.SQLITE_OK)
            return false;
        using (statement)
        {
            for (var i = 0; i < values.Count; i++)
                _ = values[i] switch
                {
                    string text => SQLitePCL.raw.sqlite3_bind_text(statement, i + 1, text),
                    long number => SQLitePCL.raw.sqlite3_bind_int64(statement, i + 1, number),
                    var other => throw new ArgumentException($"cannot bind a {other.GetType().Name}", nameof(values)),
                };
            var row = new SqliteSteps(statement);
            try
            {
                int stepped;
                while ((stepped = SQLitePCL.raw.sqlite3_step(statement)) == SQLitePCL.raw.SQLITE_ROW)
                    each(row);
                return stepped == SQLitePCL.raw.SQLITE_DONE;
            }
            catch (NotEfForm)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// <see cref="TryEach"/> on <paramref name="db"/>'s own connection, opened for the reading and then left as EF had it:
    /// false when the ledger is not SQLite, when the query has a parameter EF would bind (only EF reads it), or when it
    /// could not be read this way (the caller reads through EF then, keeping nothing <paramref name="each"/> was given).
    /// </summary>
    public static async Task<bool> TryEachAsync(ChaseDbContext db, string query, IReadOnlyList<object> values, Action<SqliteSteps> each,
        CancellationToken cancellationToken)
    {
        if (db.Database.GetDbConnection() is not SqliteConnection sqlite || query.Contains('@', StringComparison.Ordinal))
            return false;
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            return TryEach(sqlite, query, values, each);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public bool IsNull(int column) => SQLitePCL.raw.sqlite3_column_type(statement, column) == SQLitePCL.raw.SQLITE_NULL;
    public long Int64(int column) => SQLitePCL.raw.sqlite3_column_int64(statement, column);
    public string Text(int column) => SQLitePCL.raw.sqlite3_column_text(statement, column).utf8_to_string();

    /// <summary>The column's UTF-8 text, valid until the next step: for comparing without making a string.</summary>
    public ReadOnlySpan<byte> TextBytes(int column) =>
        SQLitePCL.raw.sqlite3_column_type(statement, column) == SQLitePCL.raw.SQLITE_TEXT
            ? SQLitePCL.raw.sqlite3_column_blob(statement, column)
            : throw new NotEfForm();

    public string? TextOrNull(int column) => IsNull(column) ? null : Text(column);

    /// <summary>An enum stored by its name (EF's HasConversion&lt;string&gt;), matched on the bytes without making a string.</summary>
    public T Named<T>(int column) where T : struct, Enum
    {
        var text = TextBytes(column);
        foreach (var (name, value) in EnumNames<T>.All)
            if (text.SequenceEqual(name))
                return value;
        throw new NotEfForm();
    }

    private static class EnumNames<T> where T : struct, Enum
    {
        public static readonly (byte[] Name, T Value)[] All =
            Enum.GetValues<T>().Select(v => (System.Text.Encoding.UTF8.GetBytes(v.ToString()), v)).ToArray();
    }

    public DateOnly? DayOrNull(int column) => IsNull(column) ? null : Day(column);

    /// <summary>
    /// A DateTime as EF reads one from this ledger: Microsoft.Data.Sqlite's text, parsed invariantly, then marked UTC as
    /// ChaseDbContext's converter marks every DateTime it reads.
    /// </summary>
    public DateTime? InstantOrNull(int column) =>
        IsNull(column) ? null : DateTime.SpecifyKind(DateTime.Parse(Text(column), System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    public decimal Amount(int column)
    {
        var text = TextBytes(column);
        return Utf8Parser.TryParse(text, out decimal amount, out var used) && used == text.Length ? amount : throw new NotEfForm();
    }

    public DateOnly Day(int column)
    {
        // "yyyy-MM-dd", as EF's SQLite provider writes a DateOnly.
        var text = TextBytes(column);
        if (text.Length == 10 && text[4] == '-' && text[7] == '-' &&
            Utf8Parser.TryParse(text[..4], out int year, out var y) && y == 4 &&
            Utf8Parser.TryParse(text[5..7], out int month, out var m) && m == 2 &&
            Utf8Parser.TryParse(text[8..], out int day, out var d) && d == 2 &&
            year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month))
            return new DateOnly(year, month, day);
        throw new NotEfForm();
    }
}
