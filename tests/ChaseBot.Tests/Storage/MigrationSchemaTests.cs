using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using ChaseBot.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChaseBot.Tests.Storage;

/// <summary>
/// The migrations are written by hand, so these tests are what keeps them honest: the schema they build is the
/// schema the model describes, and upgrading a database keeps its rows.
/// </summary>
public sealed class MigrationSchemaTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("chasebot-schema-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private ChaseDbContext Context(string file)
    {
        var options = new DbContextOptionsBuilder<ChaseDbContext>();
        StorageRegistration.Configure(options, new DatabaseOptions(), $"Data Source={Path.Combine(_folder, file)}");
        return new ChaseDbContext(options.Options);
    }

    [Fact]
    public async Task The_migrations_build_exactly_the_schema_the_model_describes()
    {
        await using var migrated = Context("migrated.db");
        await DatabaseMigrator.MigrateAsync(migrated);
        await using var fromModel = Context("model.db");
        await fromModel.Database.EnsureCreatedAsync();

        var expected = await Schema(fromModel);
        var actual = await Schema(migrated);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Several_processes_starting_at_once_on_a_fresh_PostgreSQL_database_all_migrate_it_without_error()
    {
        // Bots and Workers rolling out together each migrate at start. Without a lock, two of them once both added
        // the same column and one failed.
        await using var database = await PostgresServer.CreateDatabaseAsync();
        var options = TestDatabase.OptionsFor(database.ConnectionString, DatabaseProvider.Postgres);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await using var db = new ChaseDbContext(options);
            await DatabaseMigrator.MigrateAsync(db);
        })));

        await using var check = new ChaseDbContext(options);
        Assert.Empty(await check.Database.GetPendingMigrationsAsync());
        Assert.Equal(check.Database.GetMigrations(), await check.Database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public async Task Every_migration_is_applied_and_none_is_pending()
    {
        await using var db = Context("pending.db");
        await DatabaseMigrator.MigrateAsync(db);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.True(db.Database.GetMigrations().Count() >= 2);
    }

    [Fact]
    public async Task Upgrading_a_database_from_the_first_migration_keeps_its_rows()
    {
        await using (var old = Context("upgrade.db"))
        {
            var first = old.Database.GetMigrations().First();
            await old.GetService<IMigrator>().MigrateAsync(first);
            await old.Database.ExecuteSqlRawAsync("""
                INSERT INTO "Clients" ("Name", "NormalizedName", "BillingEmail", "CreatedAt", "UpdatedAt")
                VALUES ('Kauri Digital Ltd', 'KAURI DIGITAL LTD', 'a@kauri.nz', '2026-10-01 09:00:00', '2026-10-01 09:00:00');
                INSERT INTO "Invoices" ("Source", "Number", "ClientId", "DueDate", "Currency", "Total", "AmountPaid", "AmountDue",
                    "Status", "CreatedAt", "UpdatedAt")
                VALUES ('xero', 'INV-1', 1, '2026-10-31', 'NZD', '1200.0', '200.0', '1000.0', 'PartiallyPaid',
                    '2026-10-01 09:00:00', '2026-10-01 09:00:00');
                INSERT INTO "AuditEntries" ("At", "Actor", "Action", "Subject") VALUES ('2026-10-01 09:00:00', 'test', 'invoice.created', 'INV-1');
                """);
        }

        await using var upgraded = Context("upgrade.db");
        await DatabaseMigrator.MigrateAsync(upgraded);

        var invoice = await upgraded.Invoices.Include(i => i.Client).SingleAsync();
        Assert.Equal(("INV-1", 1200m, 1000m, InvoiceStatus.PartiallyPaid, "Kauri Digital Ltd", "a@kauri.nz"),
            (invoice.Number, invoice.Total, invoice.AmountDue, invoice.Status, invoice.Client.Name, invoice.Client.BillingEmail));
        Assert.Null(invoice.SnoozedUntil);
        Assert.False(invoice.Client.IsPaused);
        Assert.Equal(DateTimeKind.Utc, invoice.CreatedAt.Kind);
        Assert.Equal(1, await upgraded.AuditEntries.CountAsync());
        upgraded.Disputes.Add(new Dispute { InvoiceId = invoice.Id, Reason = "scope", OpenedBy = "test", OpenedAt = DateTime.UtcNow });
        await upgraded.SaveChangesAsync();
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Upgrading_to_collection_cases_adopts_each_clients_earlier_proposals_into_one_case_and_loses_none(DatabaseProvider provider)
    {
        await using var server = provider == DatabaseProvider.Postgres ? await PostgresServer.CreateDatabaseAsync() : null;
        var options = server is null ? null : TestDatabase.OptionsFor(server.ConnectionString, DatabaseProvider.Postgres);
        ChaseDbContext Open() => options is null ? Context("cases.db") : new ChaseDbContext(options);
        await using (var old = Open())
        {
            await old.GetService<IMigrator>().MigrateAsync("20261121000005_LookupIndexes");
            await old.Database.ExecuteSqlRawAsync("""
                INSERT INTO "Clients" ("Name", "NormalizedName", "CreatedAt", "UpdatedAt", "IsPaused")
                VALUES ('Blue Ridge Outfitters', 'BLUE RIDGE OUTFITTERS', '2026-10-01 09:00:00', '2026-10-01 09:00:00', FALSE);
                INSERT INTO "Invoices" ("Source", "Number", "ClientId", "DueDate", "Currency", "Total", "AmountPaid", "AmountDue", "Status", "CreatedAt", "UpdatedAt")
                VALUES ('x', '1001', 1, '2026-10-02', 'USD', 4500, 0, 4500, 'Open', '2026-10-01 09:00:00', '2026-10-01 09:00:00'),
                       ('x', '1004', 1, '2026-10-31', 'USD', 12750, 0, 12750, 'Open', '2026-10-01 09:00:00', '2026-10-01 09:00:00'),
                       ('x', '0990', 1, '2026-08-01', 'USD', 300, 300, 0, 'Paid', '2026-10-01 09:00:00', '2026-10-01 09:00:00');
                INSERT INTO "Proposals" ("InvoiceId", "Step", "Status", "ProposedOn", "ProposedAt", "DecidedOn", "DecidedBy", "Resurfaced")
                VALUES (1, 'late-notice', 'Approved', '2026-11-02', '2026-11-02 10:00:00', '2026-11-03', 'alice', 0),
                       (1, 'final-notice', 'Pending', '2026-11-20', '2026-11-20 10:00:00', NULL, NULL, 0),
                       (2, 'late-notice', 'Approved', '2026-11-21', '2026-11-21 10:00:00', '2026-11-22', 'alice', 0),
                       (3, 'late-notice', 'Approved', '2026-08-22', '2026-08-22 10:00:00', '2026-08-23', 'alice', 0);
                """);
        }

        await using var upgraded = Open();
        await DatabaseMigrator.MigrateAsync(upgraded);

        var open = await upgraded.Cases.SingleAsync(); // the paid invoice's old proposal opens no case
        Assert.Equal(("USD", new DateOnly(2026, 11, 2), (DateOnly?)null), (open.Currency, open.OpenedOn, open.ClosedOn));
        Assert.Equal([(ChaseBot.Core.Chasing.ChaseLadder.FinalNotice, ChaseBot.Core.Chasing.StepOutcome.Proposed),
                      (ChaseBot.Core.Chasing.ChaseLadder.LateNotice, ChaseBot.Core.Chasing.StepOutcome.Proposed)],
            (await upgraded.CaseSteps.OrderBy(s => s.Step).ToListAsync()).Select(s => (s.Step, s.Outcome)));
        var proposals = await upgraded.Proposals.Include(p => p.Covers).OrderBy(p => p.Id).ToListAsync();
        Assert.Equal(4, proposals.Count); // nothing lost
        Assert.Equal([open.Id, open.Id, open.Id, (long?)null], proposals.Select(p => p.CaseId));
        Assert.All(proposals, p => Assert.Equal(p.InvoiceId, Assert.Single(p.Covers).InvoiceId));
        Assert.Equal("alice", proposals[0].DecidedBy);
    }

    [Fact]
    public async Task The_database_file_is_in_WAL_mode_so_the_Bot_can_read_while_the_Worker_writes()
    {
        await using var db = Context("wal.db");
        await DatabaseMigrator.MigrateAsync(db);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public void The_same_migrations_translate_to_PostgreSQL_with_its_own_types()
    {
        // No server is needed to generate the script: this proves the migrations name no SQLite-only type.
        using var db = PostgresContextWithoutServer();

        var script = db.GetService<IMigrator>().GenerateScript();

        Assert.Contains("CREATE TABLE \"Invoices\"", script);
        Assert.Contains("\"Id\" bigint GENERATED BY DEFAULT AS IDENTITY", script);
        Assert.Contains("\"Total\" numeric(19,4) NOT NULL", script);
        Assert.Contains("\"DueDate\" date NOT NULL", script);
        Assert.Contains("\"CreatedAt\" timestamp with time zone NOT NULL", script);
        Assert.Contains("\"Number\" character varying(100) NOT NULL", script);
        Assert.Contains("CREATE UNIQUE INDEX \"IX_Invoices_Source_Number\"", script);
        Assert.DoesNotContain("AUTOINCREMENT", script);
        Assert.DoesNotContain("TEXT", script);
    }

    [Fact]
    public void On_PostgreSQL_too_the_migrations_match_the_model_column_for_column()
    {
        // SQLite stores every string as TEXT, so lengths and precisions only show on PostgreSQL's DDL.
        using var db = PostgresContextWithoutServer();

        var fromModel = PostgresSchema(db.Database.GenerateCreateScript());
        var fromMigrations = PostgresSchema(db.GetService<IMigrator>().GenerateScript());

        Assert.NotEmpty(fromModel);
        Assert.Equal(fromModel, fromMigrations);
    }

    /// <summary>A PostgreSQL context that never connects: scripts are generated from the provider alone.</summary>
    private static ChaseDbContext PostgresContextWithoutServer()
    {
        var options = new DbContextOptionsBuilder<ChaseDbContext>();
        StorageRegistration.Configure(options, new DatabaseOptions { Provider = DatabaseProvider.Postgres },
            "Host=127.0.0.1;Database=unused;Username=unused");
        return new ChaseDbContext(options.Options);
    }

    /// <summary>Column definitions, constraints and indexes of a PostgreSQL DDL script, in a comparable form.</summary>
    private static List<string> PostgresSchema(string script)
    {
        var facts = new List<string>();
        foreach (System.Text.RegularExpressions.Match table in System.Text.RegularExpressions.Regex.Matches(
                     script, @"CREATE TABLE ""(\w+)"" \((.*?)\n\);", System.Text.RegularExpressions.RegexOptions.Singleline))
        {
            if (table.Groups[1].Value.StartsWith("__EF", StringComparison.Ordinal))
                continue;
            foreach (var line in table.Groups[2].Value.Split('\n').Select(l => l.Trim().TrimEnd(',')).Where(l => l.Length > 0))
                facts.Add($"{table.Groups[1].Value}: {line}");
        }
        foreach (System.Text.RegularExpressions.Match added in System.Text.RegularExpressions.Regex.Matches(
                     script, @"ALTER TABLE ""(\w+)"" ADD (""\w+"" [^;]*?)( DEFAULT [^;]*)?;"))
            facts.Add($"{added.Groups[1].Value}: {added.Groups[2].Value}");
        foreach (System.Text.RegularExpressions.Match added in System.Text.RegularExpressions.Regex.Matches(
                     script, @"ALTER TABLE ""(\w+)"" ADD (CONSTRAINT [^;]*);"))
            facts.Add($"{added.Groups[1].Value}: {added.Groups[2].Value}");
        // Indexes in script order: one dropped and created again (made non-unique) counts as it was last created.
        var indexes = new Dictionary<string, string>();
        foreach (System.Text.RegularExpressions.Match index in System.Text.RegularExpressions.Regex.Matches(
                     script, @"CREATE (?:UNIQUE )?INDEX ""(\w+)""[^;]*;|DROP INDEX (?:""?\w+""?\.)?""(\w+)"";"))
            if (index.Groups[1].Success)
                indexes[index.Groups[1].Value] = index.Value;
            else
                indexes.Remove(index.Groups[2].Value);
        facts.AddRange(indexes.Values);
        facts.Sort(StringComparer.Ordinal);
        return facts;
    }

    /// <summary>Tables, columns (type, nullability, key), indexes and foreign keys, as SQLite reports them.</summary>
    private static async Task<List<string>> Schema(ChaseDbContext db)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var facts = new List<string>();
        var tables = await Query(connection,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__EFMigrations%'");
        foreach (var table in tables.Select(t => t[0]))
        {
            // Default values are left out: SQLite can only add a NOT NULL column with one, so an added column
            // carries a default that the same column created with its table does not. Both read the same.
            foreach (var c in await Query(connection, $"SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}')"))
                facts.Add($"{table}.{c[0]} {c[1]} notnull={c[2]} pk={c[3]}");
            foreach (var index in await Query(connection, $"SELECT name, \"unique\" FROM pragma_index_list('{table}')"))
            {
                var columns = await Query(connection, $"SELECT name FROM pragma_index_info('{index[0]}') ORDER BY seqno");
                facts.Add($"{table} index {index[0]} unique={index[1]} ({string.Join(",", columns.Select(c => c[0]))})");
            }
            foreach (var fk in await Query(connection, $"SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('{table}')"))
                facts.Add($"{table} fk {fk[1]} -> {fk[0]}.{fk[2]} on delete {fk[3]}");
        }
        facts.Sort(StringComparer.Ordinal);
        return facts;
    }

    private static async Task<List<string[]>> Query(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i)) ?? "").ToArray());
        return rows;
    }
}
