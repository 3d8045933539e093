using System.Data.Common;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ChaseBot.Tests.Exports;

/// <summary>
/// A database that cannot be written in the middle of an import (a full disk, a read-only file): a clear message, and
/// the ledger exactly as it was — never half a file. (SQLite: the faults are SQLite's own page limit and read-only mode.)
/// </summary>
public sealed class ImportFailureTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private const string Now = "2026-11-21T09:00:00Z";

    public void Dispose() => _db.Dispose();

    /// <summary>A fingerprint of everything an import can change.</summary>
    private async Task<string> LedgerAsync()
    {
        await using var db = _db.Open();
        var invoices = await db.Invoices.OrderBy(i => i.Source).ThenBy(i => i.Number)
            .Select(i => $"{i.Source}/{i.Number}:{i.Total}/{i.AmountPaid}/{i.Status}/{i.MissingSince}").ToListAsync();
        return string.Join('\n', invoices) + $"\nclients {await db.Clients.CountAsync()} payments {await db.Payments.CountAsync()} " +
               $"audit {await db.AuditEntries.CountAsync()} rejected {await db.RejectedRows.CountAsync()}";
    }

    [Fact]
    public async Task A_disk_that_fills_up_mid_import_fails_the_import_whole_with_a_clear_message()
    {
        await _db.Importer().ImportFileAsync(Samples.File("xero-invoices-nz.csv"), new ImportSettings());
        var before = await LedgerAsync();
        var big = Path.Combine(_db.Folder, "big.csv");
        XeroExportGenerator.Write(big, 30_000); // 10,000 invoices: many batches, so the disk fills after some were written

        // SQLite's max_page_count is how a full disk looks to it: SQLITE_FULL, "database or disk is full".
        long pages;
        await using (var db = _db.Open())
        {
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA page_count";
            pages = (long)(await command.ExecuteScalarAsync())!;
        }
        var full = new ExportImporter(TestDatabase.FactoryFor(TestDatabase.OptionsFor($"Data Source={_db.Path}", interceptors: new PageLimit(pages + 200))),
            Clocks.At(Now), TimeZoneInfo.Utc);
        var batches = 0;

        var summary = await full.ImportFileAsync(big, new ImportSettings { Progress = new Reported<ImportProgress>(p => batches = p.Batches) });

        Assert.Equal(ImportOutcome.Failed, summary.Outcome);
        Assert.Contains("nothing from this file was imported", summary.Message);
        Assert.Contains("disk is full", summary.Message);
        Assert.True(batches >= 1, "the disk filled before any batch was written: this does not show a rollback");
        Assert.Equal(before, await LedgerAsync());
        await using (var db = _db.Open())
            Assert.Equal(ImportOutcome.Failed, (await db.ImportRuns.SingleAsync(r => r.Id == summary.RunId)).Outcome);

        // Space again (pooled connections forget the cap): the same file imports whole (it was not remembered as imported).
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var retry = await _db.Importer(Clocks.At(Now)).ImportFileAsync(big, new ImportSettings());
        Assert.Equal(ImportOutcome.Imported, retry.Outcome);
        Assert.Equal(10_000, retry.Created);
    }

    [Fact]
    public async Task A_read_only_database_fails_the_import_with_a_clear_message_and_changes_nothing()
    {
        await _db.Importer().ImportFileAsync(Samples.File("stripe-invoices.csv"), new ImportSettings());
        var before = await LedgerAsync();
        var readOnly = new ExportImporter(TestDatabase.FactoryFor(TestDatabase.OptionsFor($"Data Source={_db.Path};Mode=ReadOnly")),
            Clocks.At(Now), TimeZoneInfo.Utc);

        var summary = await readOnly.ImportFileAsync(Samples.File("xero-invoices-nz.csv"), new ImportSettings());

        Assert.Equal(ImportOutcome.Failed, summary.Outcome);
        Assert.Contains("readonly", summary.Message);
        Assert.Contains("writable", summary.Message);
        Assert.Equal(before, await LedgerAsync());
    }

    /// <summary>Caps the database file at a number of pages on every connection the importer opens.</summary>
    private sealed class PageLimit(long pages) : DbConnectionInterceptor
    {
        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
            CancellationToken cancellationToken = default)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA max_page_count = {pages}";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
