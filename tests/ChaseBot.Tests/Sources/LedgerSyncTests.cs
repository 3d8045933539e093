using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Sources;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Sources;

/// <summary>
/// Facts from a connected source go through the same ledger writer as an export file (issue 28's source-neutral import):
/// a run that records its origin, a snapshot that flags what it does not list and a list of changes that does not, the
/// stale rule shared with files both ways, and an API's bad facts rejected by the rules a file's rows are held to.
/// </summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class LedgerSyncTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = Clocks.At("2026-11-23T10:00:00Z");
    private readonly LedgerSync _sync;

    public LedgerSyncTests() => _sync = new LedgerSync(_db.Factory, _clock, TimeZoneInfo.Utc);

    public void Dispose() => _db.Dispose();

    private static readonly DateTime Monday = new(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc);

    private static InvoiceFacts Invoice(string number, decimal total = 1000m, decimal paid = 0m, string client = "Northwind Analytics",
        string currency = "USD") =>
        new(0, number, client, "ap@northwind.example", new DateOnly(2026, 10, 13), new DateOnly(2026, 11, 13), currency, total, paid,
            total - paid, InvoiceFacts.StatusFrom(StatusHint.Open, paid, total - paid), PaymentLink: $"https://pay.example/{number}");

    private Task<ImportSummary> SyncAsync(FactsMode mode, DateTime asOf, string? cursor, params InvoiceFacts[] invoices) =>
        _sync.ApplyAsync(new SourceFacts("stripe", "Stripe sync", asOf, mode, cursor, invoices), "test");

    private async Task<Dictionary<string, Invoice>> InvoicesAsync()
    {
        await using var db = _db.Open();
        return await db.Invoices.Include(i => i.Client).ToDictionaryAsync(i => i.Number);
    }

    [Fact]
    public async Task A_first_sync_writes_the_invoices_and_its_run_records_where_it_came_from_and_got_to()
    {
        var summary = await SyncAsync(FactsMode.Snapshot, Monday, "evt_100", Invoice("S-1"), Invoice("S-2", 250m, 100m));

        Assert.True(summary.Outcome == ImportOutcome.Imported, summary.Message);
        Assert.Equal((2, 0), (summary.Created, summary.RejectedCount));
        var invoices = await InvoicesAsync();
        Assert.Equal(("Northwind Analytics", InvoiceStatus.PartiallyPaid, 150m, "https://pay.example/S-2"),
            (invoices["S-2"].Client.Name, invoices["S-2"].Status, invoices["S-2"].AmountDue, invoices["S-2"].PaymentLink));
        await using var db = _db.Open();
        var run = await db.ImportRuns.SingleAsync();
        Assert.Equal((ImportOrigin.Sync, "stripe", "evt_100", FactsMode.Snapshot, "Stripe sync"), (run.Origin, run.Source, run.Cursor, run.Mode, run.FileName));
        Assert.StartsWith("sync:", run.FileHash);
        Assert.Equal(("evt_100", (DateTime?)Monday), await _sync.LastAsync("stripe"));
    }

    [Fact]
    public async Task Changes_leave_the_invoices_they_do_not_list_alone_and_a_snapshot_flags_them_missing()
    {
        await SyncAsync(FactsMode.Snapshot, Monday, "evt_1", Invoice("S-1"), Invoice("S-2"), Invoice("S-3"));

        var changes = await SyncAsync(FactsMode.Changes, Monday.AddHours(1), "evt_2", Invoice("S-2", paid: 1000m));
        Assert.Equal((0, 1, 0), (changes.Created, changes.Updated, changes.FlaggedMissing));
        var invoices = await InvoicesAsync();
        Assert.Equal(InvoiceStatus.Paid, invoices["S-2"].Status);
        Assert.Null(invoices["S-1"].MissingSince);

        var snapshot = await SyncAsync(FactsMode.Snapshot, Monday.AddHours(2), "evt_3", Invoice("S-1"), Invoice("S-2", paid: 1000m));
        Assert.Equal(1, snapshot.FlaggedMissing);
        Assert.NotNull((await InvoicesAsync())["S-3"].MissingSince);
    }

    [Fact]
    public async Task An_older_as_of_never_overwrites_newer_facts_whether_they_came_from_a_file_or_a_sync()
    {
        // A Stripe export saved at noon says S-1 is paid.
        const string header = "id,Number,Customer Name,Customer Email,Status,Currency,Amount Due,Amount Paid,Amount Remaining,Total,Date (UTC),Due Date (UTC)";
        var path = _db.WriteFile("stripe.csv", header + "\nin_1,S-1,Northwind Analytics,ap@northwind.example,paid,usd,1000.00,1000.00,0.00,1000.00,2026-10-13 10:00:00,2026-11-13 10:00:00\n");
        File.SetLastWriteTimeUtc(path, Monday.AddHours(3));
        await _db.Importer(_clock).ImportFileAsync(path, new ImportSettings());

        // A sync whose facts were true at nine (delayed, retried) still says it is open: the newer facts stand.
        var late = await SyncAsync(FactsMode.Changes, Monday, "evt_1", Invoice("S-1"));
        Assert.Equal((0, 1), (late.Updated, late.Unchanged));
        Assert.Contains(late.Warnings, w => w.StartsWith("1 invoice left as the ledger holds it", StringComparison.Ordinal));
        Assert.Equal(InvoiceStatus.Paid, (await InvoicesAsync())["S-1"].Status);

        // A sync at four says 500 more is owed on S-2 (new); then a file saved at two, older, cannot undo it.
        await SyncAsync(FactsMode.Changes, Monday.AddHours(7), "evt_2", Invoice("S-2", 1500m));
        var older = _db.WriteFile("older.csv", header + "\nin_2,S-2,Northwind Analytics,ap@northwind.example,open,usd,1000.00,0.00,1000.00,1000.00,2026-10-13 10:00:00,2026-11-13 10:00:00\n");
        File.SetLastWriteTimeUtc(older, Monday.AddHours(5));
        await _db.Importer(_clock).ImportFileAsync(older, new ImportSettings());
        Assert.Equal(1500m, (await InvoicesAsync())["S-2"].Total);
    }

    [Fact]
    public async Task Facts_an_export_row_could_not_hold_are_rejected_by_name_and_the_rest_written()
    {
        var summary = await SyncAsync(FactsMode.Changes, Monday, "evt_1",
            Invoice("S-1"), Invoice("S-2\u200B"), Invoice("S-3", -5m), Invoice("S-4", 12.345m), Invoice("S-5", currency: "dollars"),
            Invoice("S-6", client: "Northwind\u202EAnalytics"), Invoice("s-1", 2000m));

        Assert.Equal((1, 6), (summary.Created, summary.RejectedCount));
        Assert.Equal(
        [
            "the invoice number 'S-2\\u200b' has an invisible character (U+200B ZERO WIDTH SPACE) at character 4",
            "invoice S-3: the total is negative (-5.00)",
            "invoice S-4: the total 12.345 has more decimals than USD allows (2)",
            "invoice S-5: 'dollars' is not a currency code like USD or EUR",
            "invoice S-6: the client name 'Northwind\\u202eAnalytics' has a text-direction control (U+202E RIGHT-TO-LEFT OVERRIDE) at character 10",
            "invoice s-1 is listed twice; the first is kept",
        ], summary.Rejected.Select(r => r.Reason));
        Assert.Equal(["S-1"], (await InvoicesAsync()).Keys);
    }
}
