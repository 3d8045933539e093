using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ChaseBot.Core.Storage;

/// <summary>
/// Inserts many rows of one entity type with a single prepared INSERT, executed once per row inside the caller's
/// transaction. EF's SaveChanges spends most of a large import building, preparing and reading back batched INSERT
/// statements (measured: 14 of 21 s importing 100,000 invoices); a prepared statement leaves only the database's own
/// work. Columns, table and value conversions come from the EF model and its type mappings, so what is written is
/// exactly what SaveChanges would write, on SQLite and PostgreSQL alike. Generated keys are not read back: use it
/// for rows nothing in the same unit of work refers to by id, or read the ids back by a unique key.
/// <para>
/// On SQLite the values are bound by position straight to the statement (SQLitePCLRaw, which Microsoft.Data.Sqlite
/// runs on), in the same text and number forms Microsoft.Data.Sqlite would give them: looking each parameter up by
/// name and building parameter objects for every row was half of a first import's writing (bench/README.md).
/// <c>BulkInsertTests</c> compares every stored column, byte for byte, with a row EF saved.
/// </para>
/// </summary>
public static class BulkInsert
{
    public static async Task InsertAsync<T>(ChaseDbContext db, IReadOnlyCollection<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        if (rows.Count == 0)
            return;
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        // The entity's own columns and those of its complex properties (a client's contract clauses), read through the entity.
        var columns = entity.GetProperties()
            .Concat(entity.GetComplexProperties().SelectMany(c => c.ComplexType.GetProperties()))
            .Where(p => !(p.IsPrimaryKey() && p.ValueGenerated == Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.OnAdd))
            .Select(p => (Property: p, Column: p.GetColumnName(table)!, Mapping: p.GetRelationalTypeMapping()))
            .ToList();
        var sql = db.GetService<ISqlGenerationHelper>();
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
            await db.Database.OpenConnectionAsync(cancellationToken);
        var insert = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} " +
                     $"({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Column)))}) ";
        if (connection is SqliteConnection sqlite && columns.All(c => SqliteBinding.Handles(ProviderType(c.Property, c.Mapping))))
        {
            SqliteBinding.Insert(sqlite, insert + $"VALUES ({string.Join(", ", columns.Select((_, i) => "?" + (i + 1)))})",
                columns.Select(c => (Func<T, object?>)(row => ProviderValue(c.Property, c.Mapping, row))).ToList(), rows, cancellationToken);
            return;
        }
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = insert + $"VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))})";
        foreach (var row in rows)
        {
            command.Parameters.Clear();
            for (var i = 0; i < columns.Count; i++)
            {
                var (property, _, mapping) = columns[i];
                var value = property.GetGetter().GetClrValueUsingContainingEntity(row);
                command.Parameters.Add(mapping.CreateParameter(command, "@p" + i, value, property.IsNullable));
            }
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static Type ProviderType(IProperty property, RelationalTypeMapping mapping)
    {
        var type = mapping.Converter?.ProviderClrType ?? property.ClrType;
        return Nullable.GetUnderlyingType(type) ?? type;
    }

    /// <summary>The value as the database gets it: after the model's conversion (an enum stored as its name, say).</summary>
    private static object? ProviderValue<T>(IProperty property, RelationalTypeMapping mapping, T row) where T : class
    {
        var value = property.GetGetter().GetClrValueUsingContainingEntity(row);
        return value is null ? null : mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value;
    }

    /// <summary>SQLite's half: one prepared statement, values bound by position in Microsoft.Data.Sqlite's forms.</summary>
    private static class SqliteBinding
    {
        public static bool Handles(Type type) =>
            type == typeof(string) || type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(bool) ||
            type == typeof(decimal) || type == typeof(double) || type == typeof(DateTime) || type == typeof(DateOnly) || type.IsEnum;

        public static void Insert<T>(SqliteConnection connection, string statement, IReadOnlyList<Func<T, object?>> values,
            IEnumerable<T> rows, CancellationToken cancellationToken)
        {
            var db = connection.Handle!;
            Check(db, SQLitePCL.raw.sqlite3_prepare_v2(db, statement, out var prepared));
            using (prepared)
                foreach (var row in rows)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    for (var i = 0; i < values.Count; i++)
                        Check(db, Bind(prepared, i + 1, values[i](row)));
                    var stepped = SQLitePCL.raw.sqlite3_step(prepared);
                    var failure = stepped == SQLitePCL.raw.SQLITE_DONE ? null : Failure(db, stepped); // read before the reset
                    SQLitePCL.raw.sqlite3_reset(prepared);
                    if (failure is not null)
                        throw failure;
                }
        }

        // The forms Microsoft.Data.Sqlite writes (its SqliteValueBinder), so a row reads and compares the same however it went in.
        private static int Bind(SQLitePCL.sqlite3_stmt statement, int index, object? value) => value switch
        {
            null => SQLitePCL.raw.sqlite3_bind_null(statement, index),
            string text => SQLitePCL.raw.sqlite3_bind_text(statement, index, text),
            long number => SQLitePCL.raw.sqlite3_bind_int64(statement, index, number),
            int number => SQLitePCL.raw.sqlite3_bind_int64(statement, index, number),
            short number => SQLitePCL.raw.sqlite3_bind_int64(statement, index, number),
            bool flag => SQLitePCL.raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
            Enum member => SQLitePCL.raw.sqlite3_bind_int64(statement, index, Convert.ToInt64(member, CultureInfo.InvariantCulture)),
            double real => SQLitePCL.raw.sqlite3_bind_double(statement, index, real),
            decimal amount => SQLitePCL.raw.sqlite3_bind_text(statement, index,
                amount.ToString("0.0###########################", CultureInfo.InvariantCulture)),
            DateTime time => SQLitePCL.raw.sqlite3_bind_text(statement, index, time.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)),
            DateOnly day => SQLitePCL.raw.sqlite3_bind_text(statement, index, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            _ => throw new NotSupportedException($"BulkInsert cannot bind a {value.GetType().Name} on SQLite"),
        };

        /// <summary>A failed step as Microsoft.Data.Sqlite reports it, so a unique key's refusal reads the same (UniqueViolation).</summary>
        private static void Check(SQLitePCL.sqlite3 db, int result)
        {
            if (result != SQLitePCL.raw.SQLITE_OK)
                throw Failure(db, result);
        }

        private static SqliteException Failure(SQLitePCL.sqlite3 db, int result) =>
            new($"SQLite Error {result}: '{SQLitePCL.raw.sqlite3_errmsg(db).utf8_to_string()}'.", result, SQLitePCL.raw.sqlite3_extended_errcode(db));
    }
}
