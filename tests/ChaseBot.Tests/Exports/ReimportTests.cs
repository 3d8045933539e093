using Microsoft.Extensions.Time.Testing;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Exports;

/// <summary>Each export is a snapshot: importing the next one updates, records payments, and flags what is gone.</summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class ReimportTests : IDisposable
{
    private const string Header = ExportQuirkTests.XeroHeader;
    private readonly TestDatabase _db = new();
    private readonly FakeTimeProvider _clock = Clocks.At("2026-11-21T09:00:00Z");

    public void Dispose() => _db.Dispose();

    private static string Row(string number, decimal total, decimal paid, string client = "Kauri Digital Ltd") =>
        $"{client},,{number},01/10/2026,31/10/2026,{total:0.00},{paid:0.00},{total - paid:0.00},NZD,Sales invoice,{(paid >= total ? "Paid" : "Awaiting Payment")}";

    private Task<ImportSummary> Import(string name, params string[] rows) =>
        _db.Importer(_clock).ImportFileAsync(_db.WriteFile(name, Header + "\n" + string.Join('\n', rows) + "\n"), new ImportSettings());

    [Fact]
    public async Task The_same_file_twice_changes_nothing_and_says_when_it_was_imported()
    {
        var path = Samples.File("xero-invoices-nz.csv");
        var first = await _db.Importer(_clock).ImportFileAsync(path, new ImportSettings());
        int audit;
        await using (var db = _db.Open())
            audit = await db.AuditEntries.CountAsync();

        var second = await _db.Importer(_clock).ImportFileAsync(path, new ImportSettings());

        Assert.Equal(ImportOutcome.AlreadyImported, second.Outcome);
        Assert.Contains($"run {first.RunId}", second.Message);
        await using var after = _db.Open();
        Assert.Equal(audit, await after.AuditEntries.CountAsync());
        Assert.Equal(7, await after.Invoices.CountAsync());
    }

    [Fact]
    public async Task The_same_content_under_another_name_is_recognised_by_its_hash()
    {
        await Import("export.csv", Row("INV-1", 100, 0));
        var again = await Import("export (1).csv", Row("INV-1", 100, 0));
        Assert.Equal(ImportOutcome.AlreadyImported, again.Outcome);
    }

    [Fact]
    public async Task An_unchanged_invoice_in_a_different_file_is_counted_unchanged_without_an_audit_entry()
    {
        await Import("a.csv", Row("INV-1", 100, 0), Row("INV-2", 50, 0));
        var next = await Import("b.csv", Row("INV-1", 100, 0), Row("INV-2", 50, 0), Row("INV-3", 10, 0));

        Assert.Equal((1, 0, 2), (next.Created, next.Updated, next.Unchanged));
        await using var db = _db.Open();
        Assert.Equal(0, await db.AuditEntries.CountAsync(a => a.Action == "invoice.updated"));
    }

    [Fact]
    public async Task Amount_paid_going_up_between_exports_is_recorded_as_a_payment_with_an_audit_trail()
    {
        await Import("october.csv", Row("INV-1", 1200, 0));
        _clock.Advance(TimeSpan.FromDays(3));
        var november = await Import("november.csv", Row("INV-1", 1200, 500));

        Assert.Equal(1, november.Updated);
        await using var db = _db.Open();
        var invoice = await db.Invoices.SingleAsync();
        Assert.Equal((500m, 700m, InvoiceStatus.PartiallyPaid), (invoice.AmountPaid, invoice.AmountDue, invoice.Status));
        var payment = await db.Payments.SingleAsync();
        Assert.Equal((500m, "NZD", PaymentOrigin.Export, new DateOnly(2026, 11, 24), november.RunId),
            (payment.Amount, payment.Currency, payment.Origin, payment.PaidOn, payment.ImportRunId));
        var update = await db.AuditEntries.SingleAsync(a => a.Action == "invoice.updated");
        Assert.Contains("due 1,200.00 → 700.00", update.Details);
        Assert.Contains("november.csv", update.Actor);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "payment.recorded" && a.Subject == "INV-1"));
    }

    [Fact]
    public async Task An_invoice_missing_from_a_later_export_is_flagged_not_marked_paid_and_cleared_when_it_returns()
    {
        await Import("1.csv", Row("INV-1", 100, 0), Row("INV-2", 200, 0), Row("INV-3", 300, 300));
        var second = await Import("2.csv", Row("INV-1", 100, 0));

        Assert.Equal(1, second.FlaggedMissing); // INV-2; INV-3 is paid, so there is nothing to flag.
        Assert.Contains(second.Warnings, w => w.Contains("not marked paid"));
        await using (var db = _db.Open())
        {
            var gone = await db.Invoices.SingleAsync(i => i.Number == "INV-2");
            Assert.NotNull(gone.MissingSince);
            Assert.Equal((InvoiceStatus.Open, 200m), (gone.Status, gone.AmountDue));
            Assert.Equal(0, await db.Payments.CountAsync());
            Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "invoice.missing" && a.Subject == "INV-2"));
        }

        await Import("3.csv", Row("INV-1", 100, 0), Row("INV-2", 200, 0));
        await using var after = _db.Open();
        Assert.Null((await after.Invoices.SingleAsync(i => i.Number == "INV-2")).MissingSince);
        Assert.True(await after.AuditEntries.AnyAsync(a => a.Action == "invoice.reappeared"));
    }

    [Fact]
    public async Task A_file_in_which_every_row_is_rejected_flags_nothing_as_missing()
    {
        await Import("good.csv", Row("INV-1", 100, 0), Row("INV-2", 200, 0));
        var bad = await Import("bad.csv", "Kauri,,INV-1,01/10/2026,31/10/2026,oops,0.00,1.00,NZD,Sales invoice,Awaiting Payment");

        Assert.Equal((0, 1, 0), (bad.Invoices, bad.RejectedCount, bad.FlaggedMissing));
        await using var db = _db.Open();
        Assert.Equal(0, await db.Invoices.CountAsync(i => i.MissingSince != null));
    }

    [Fact]
    public async Task Another_sources_export_never_flags_this_sources_invoices()
    {
        await Import("xero.csv", Row("INV-1", 100, 0));
        await _db.Importer(_clock).ImportFileAsync(Samples.File("stripe-invoices.csv"), new ImportSettings());
        await using var db = _db.Open();
        Assert.Null((await db.Invoices.SingleAsync(i => i.Number == "INV-1")).MissingSince);
    }

    [Fact]
    public async Task One_client_name_written_differently_is_one_client()
    {
        await Import("a.csv", Row("INV-1", 100, 0, "Kauri Digital Ltd"), Row("INV-2", 100, 0, "KAURI  digital ltd"));
        await using var db = _db.Open();
        Assert.Equal(1, await db.Clients.CountAsync());
    }
}
