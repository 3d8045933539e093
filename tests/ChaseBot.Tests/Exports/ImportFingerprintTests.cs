using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ChaseBot.Tests.Exports;

/// <summary>
/// A re-import passes over the rows of invoices whose fingerprints vouch that neither the rows nor the ledger changed
/// (<see cref="ImportFingerprint"/>). What it leaves must be what reading every row leaves: each test either compares with
/// a ledger whose fingerprints were wiped before every import, or changes one thing a fingerprint must notice.
/// </summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class ImportFingerprintTests : IDisposable
{
    private const string Header = ExportQuirkTests.XeroHeader;
    private readonly TestDatabase _db = new();
    private readonly TestDatabase _everyRowRead = new();
    private readonly FakeTimeProvider _clock = Clocks.At("2026-11-21T09:00:00Z");
    private int _files;

    public void Dispose()
    {
        _db.Dispose();
        _everyRowRead.Dispose();
    }

    private static string Row(string number, decimal total, decimal paid, string client = "Kauri Digital Ltd", string due = "31/10/2026",
        string email = "", string status = "", string issued = "01/10/2026") =>
        $"{client},{email},{number},{issued},{due},{total:0.00},{paid:0.00},{total - paid:0.00},NZD,Sales invoice," +
        (status != "" ? status : paid >= total ? "Paid" : "Awaiting Payment");

    /// <summary>Each file is new to the importer (a file it has seen whole is recognised by its hash and not read at all).</summary>
    private Task<ImportSummary> Import(TestDatabase db, params string[] rows) =>
        db.Importer(_clock).ImportFileAsync(db.WriteFile($"export-{++_files}.csv", Header + "\n" + string.Join('\n', rows) + "\n" +
            new string('\n', _files)), new ImportSettings());

    private Task<ImportSummary> Import(params string[] rows) => Import(_db, rows);

    [Fact]
    public async Task A_series_of_exports_leaves_the_ledger_that_reading_every_row_leaves()
    {
        var many = Enumerable.Range(1, 40).Select(n => Row($"INV-{n}", 100 + n, 0, client: $"Client {n % 7}")).ToList();
        string[][] exports =
        [
            [.. many, Row("INV-L", 300, 0, client: "Lines Ltd"), Row("INV-L", 300, 0, client: "Lines Ltd")], // two line items
            // paid, a due date moved, one gone, a new one; the line items apart, the second disagreeing
            [.. many.Skip(1).Select(r => r.Replace("INV-2,01/10/2026,31/10/2026,102.00,0.00,102.00,NZD,Sales invoice,Awaiting Payment",
                    "INV-2,01/10/2026,31/10/2026,102.00,102.00,0.00,NZD,Sales invoice,Paid")
                .Replace("INV-3,01/10/2026,31/10/2026", "INV-3,01/10/2026,15/11/2026")),
                Row("INV-L", 300, 0, client: "Lines Ltd"), Row("INV-41", 41, 0), Row("INV-L", 999, 0, client: "Lines Ltd")],
            [.. many, Row("INV-L", 300, 0, client: "Lines Ltd"), Row("INV-L", 300, 0, client: "Lines Ltd")], // INV-1 back
            [.. many, Row("INV-L", 300, 0, client: "Lines Ltd"), Row("INV-L", 300, 0, client: "Lines Ltd")],
        ];
        var summaries = new List<(ImportSummary Passing, ImportSummary Reading)>();
        foreach (var export in exports)
        {
            _clock.Advance(TimeSpan.FromDays(1));
            await using (var wipe = _everyRowRead.Open())
                await wipe.Invoices.ExecuteUpdateAsync(s => s.SetProperty(i => i.ImportFingerprint, (long?)null));
            summaries.Add((await Import(_db, export), await Import(_everyRowRead, export)));
        }

        foreach (var (passing, reading) in summaries)
        {
            Assert.Equal((reading.Created, reading.Updated, reading.Unchanged, reading.FlaggedMissing, reading.RejectedCount),
                (passing.Created, passing.Updated, passing.Unchanged, passing.FlaggedMissing, passing.RejectedCount));
            Assert.Equal(reading.Rejected.Select(r => r.Line), passing.Rejected.Select(r => r.Line));
            Assert.Equal(reading.Warnings, passing.Warnings);
            Assert.Equal(0, reading.UnchangedUnread);
        }
        // The last export changed nothing: every invoice is passed over, the rows of INV-L together included.
        Assert.Equal(41, summaries[^1].Passing.UnchangedUnread);
        Assert.Equal(summaries[^1].Passing.Unchanged, summaries[^1].Passing.UnchangedUnread);
        Assert.InRange(summaries[1].Passing.UnchangedUnread, 30, 39);
        Assert.Equal(await LedgerAsync(_everyRowRead), await LedgerAsync(_db));
    }

    /// <summary>The ledger as a user could see it: invoices, payments, and the audit history, in order.</summary>
    private static async Task<string> LedgerAsync(TestDatabase database)
    {
        await using var db = database.Open();
        var invoices = await db.Invoices.Include(i => i.Client).OrderBy(i => i.Number)
            .Select(i => $"{i.Number} {i.Client.Name} {i.IssueDate} {i.DueDate} {i.Currency} {i.Total} {i.AmountPaid} {i.AmountDue} {i.Status} {i.MissingSince}")
            .ToListAsync();
        var payments = await db.Payments.OrderBy(p => p.Id).Select(p => $"{p.InvoiceId} {p.Amount} {p.PaidOn} {p.Origin}").ToListAsync();
        var audit = await db.AuditEntries.OrderBy(a => a.Action).ThenBy(a => a.Subject).ThenBy(a => a.Details)
            .Select(a => $"{a.Action} {a.Subject} {a.Details}").ToListAsync();
        return string.Join('\n', invoices.Concat(payments).Concat(audit));
    }

    [Fact]
    public async Task An_invoice_that_had_gone_missing_is_listed_again_when_its_rows_are_passed_over()
    {
        await Import(Row("INV-1", 100, 0), Row("INV-2", 50, 0));
        var without = await Import(Row("INV-2", 50, 0));
        Assert.Equal(1, without.FlaggedMissing);

        var back = await Import(Row("INV-1", 100, 0), Row("INV-2", 50, 0));

        Assert.Equal((2, 2), (back.Unchanged, back.UnchangedUnread));
        await using var db = _db.Open();
        Assert.Null((await db.Invoices.SingleAsync(i => i.Number == "INV-1")).MissingSince);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "invoice.reappeared" && a.Subject == "INV-1"));
    }

    [Fact]
    public async Task The_same_bytes_read_in_another_date_order_are_read_again()
    {
        // 25/04 makes the first file day-first, so INV-1's 03/04/2026 was the 3rd of April.
        await Import(Row("INV-1", 100, 0, due: "03/04/2026"), Row("INV-2", 50, 0, due: "25/04/2026"));

        // INV-1's row is byte for byte the same, but 04/25 makes this file month-first: now it is the 4th of March.
        var next = await Import(Row("INV-1", 100, 0, due: "03/04/2026"), Row("INV-3", 70, 0, due: "04/25/2026"));

        Assert.Equal(0, next.UnchangedUnread);
        await using var db = _db.Open();
        Assert.Equal(new DateOnly(2026, 3, 4), (await db.Invoices.SingleAsync(i => i.Number == "INV-1")).DueDate);
    }

    [Fact]
    public async Task A_client_whose_billing_email_was_removed_since_gets_it_from_the_export_again()
    {
        await Import(Row("INV-1", 100, 0, email: "accounts@kauri.example"));
        await using (var db = _db.Open())
            await db.Clients.ExecuteUpdateAsync(s => s.SetProperty(c => c.BillingEmail, (string?)null));

        var next = await Import(Row("INV-1", 100, 0, email: "accounts@kauri.example"));

        Assert.Equal(0, next.UnchangedUnread);
        await using var after = _db.Open();
        Assert.Equal("accounts@kauri.example", (await after.Clients.SingleAsync()).BillingEmail);
    }

    [Fact]
    public async Task An_unknown_status_is_still_warned_about_when_its_rows_are_passed_over()
    {
        var first = await Import(Row("INV-1", 100, 0, status: "Queried"), Row("INV-2", 50, 0));
        var next = await Import(Row("INV-1", 100, 0, status: "Queried"), Row("INV-2", 50, 0));

        Assert.Equal(2, next.UnchangedUnread);
        var warning = Assert.Single(first.Warnings, w => w.Contains("'Queried'"));
        Assert.Contains(warning, next.Warnings);
    }

    [Fact]
    public async Task A_file_whose_dates_disagree_is_refused_though_the_rows_that_decide_are_passed_over()
    {
        // A row passed over still has its dates read: INV-1's day-first dates decide the file, and INV-2's month-first
        // dates (no date either way could read, so nothing else is looked for) contradict them.
        await Import(Row("INV-1", 100, 0, issued: "13/10/2026", due: "25/10/2026"), Row("INV-2", 50, 0));

        var next = await Import(Row("INV-1", 100, 0, issued: "13/10/2026", due: "25/10/2026"),
            Row("INV-2", 50, 20, issued: "10/13/2026", due: "10/25/2026"));

        Assert.Equal(ImportOutcome.Refused, next.Outcome);
        await using var db = _db.Open();
        Assert.Equal(0m, (await db.Invoices.SingleAsync(i => i.Number == "INV-2")).AmountPaid);
    }

    [Fact]
    public async Task Rows_of_an_invoice_apart_in_the_file_are_compared_as_before_even_when_its_fingerprint_knows_the_later_ones()
    {
        await Import(Row("INV-1", 100, 0), Row("INV-2", 50, 0));

        // INV-1's first rows changed; its later rows are the ones its fingerprint was made from. They are still a repeat
        // that disagrees with the first rows, rejected as when every row is read.
        var next = await Import(Row("INV-1", 120, 0), Row("INV-2", 50, 0), Row("INV-1", 100, 0));

        Assert.Equal((1, 1, 1, 1), (next.Updated, next.Unchanged, next.UnchangedUnread, next.RejectedCount));
        await using var db = _db.Open();
        Assert.Equal(120m, (await db.Invoices.SingleAsync(i => i.Number == "INV-1")).Total);
    }

    [Fact]
    public async Task An_invoice_of_more_rows_than_are_held_back_at_once_is_read_and_counted_once()
    {
        // Rows waiting for their fingerprint's word are held as bytes, a thousand at most: past that they are read.
        var rows = Enumerable.Repeat(Row("INV-1", 100, 0), 1001).Append(Row("INV-2", 50, 0)).ToArray();
        await Import(rows);

        var next = await Import(rows);

        Assert.Equal((0, 2, 1, 0, 1002), (next.Updated, next.Unchanged, next.UnchangedUnread, next.RejectedCount, next.Rows));
    }

    [Fact]
    public async Task The_ledger_index_reads_the_same_through_SQLite_directly_as_through_the_provider()
    {
        await Import(Row("INV-1", 100.5m, 0, email: "a@kauri.example"), Row("INV-2", 50, 20), Row("INV-3", 70, 70, client: "Tōtara & Co"));
        await Import(Row("INV-2", 50, 20), Row("INV-3", 70, 70, client: "Tōtara & Co")); // INV-1 goes missing

        await using var db = _db.Open();
        await db.Database.OpenConnectionAsync();
        var index = await LedgerIndex.ReadAsync(db, "xero", CancellationToken.None);
        var throughProvider = await LedgerIndex.ReadThroughProviderAsync(db, LedgerIndex.Query(db), "xero", CancellationToken.None);

        Assert.Equal(3, throughProvider.Entries.Count);
        Assert.Empty(throughProvider.Variants);
        foreach (var (number, expected) in throughProvider.Entries)
        {
            Assert.True(index.TryGet(number, out var entry));
            Assert.Equal(Describe(expected), Describe(entry));
        }
    }

    private static string Describe(LedgerIndex.Entry e) =>
        $"{e.Id} {e.ClientId} {e.IssueDate} {e.DueDate} {e.Currency} {e.Total} {e.Paid} {e.Due} {e.Status} {e.Missing} {e.Fingerprint} {e.ValuesNow}";
}
