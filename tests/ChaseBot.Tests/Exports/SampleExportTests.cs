using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Exports;

/// <summary>Each sample in samples/exports, imported into a real SQLite ledger, says what the vendor's file says.</summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class SampleExportTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private async Task<ImportSummary> Import(string path, ImportSettings? settings = null)
    {
        var summary = await _db.Importer().ImportFileAsync(path, settings ?? new ImportSettings());
        Assert.Equal(ImportOutcome.Imported, summary.Outcome);
        return summary;
    }

    private async Task<Invoice> Invoice(string source, string number)
    {
        await using var db = _db.Open();
        return await db.Invoices.Include(i => i.Client).SingleAsync(i => i.Source == source && i.Number == number);
    }

    [Fact]
    public async Task Xero_line_items_become_one_invoice_each_and_credit_notes_and_overpayments_are_passed_over()
    {
        var summary = await Import(Samples.File("xero-invoices-nz.csv"));

        Assert.Equal("xero", summary.Format);
        Assert.Equal(7, summary.Invoices); // 0101 (2 lines), 0102, 0103 (3 lines), 0104–0107
        Assert.Equal(0, summary.RejectedCount);
        Assert.Contains(summary.Warnings, w => w.Contains("Sales credit note"));
        Assert.Contains(summary.Warnings, w => w.Contains("Sales overpayment"));

        var inv0103 = await Invoice("xero", "INV-0103");
        Assert.Equal(2300.00m, inv0103.Total); // Repeated on three lines, taken once, never added.
        Assert.Equal(new DateOnly(2026, 11, 20), inv0103.DueDate); // 20/11/2026: the NZ file is day-first.
        Assert.Equal("NZD", inv0103.Currency);
        Assert.Equal("Kauri Digital Ltd", inv0103.Client.Name);
        Assert.Equal("accounts@kauridigital.co.nz", inv0103.Client.BillingEmail);

        var partlyPaid = await Invoice("xero", "INV-0102");
        Assert.Equal((1150m, 500m, 650m, InvoiceStatus.PartiallyPaid),
            (partlyPaid.Total, partlyPaid.AmountPaid, partlyPaid.AmountDue, partlyPaid.Status));
        Assert.Equal(InvoiceStatus.Paid, (await Invoice("xero", "INV-0104")).Status);
        Assert.Equal(InvoiceStatus.Draft, (await Invoice("xero", "INV-0105")).Status);
        Assert.Equal(InvoiceStatus.Void, (await Invoice("xero", "INV-0106")).Status);

        await using var db = _db.Open();
        Assert.False(await db.Invoices.AnyAsync(i => i.Number == "CN-0007"));
    }

    [Fact]
    public async Task QuickBooks_invoice_list_skips_preamble_totals_credit_memos_and_footer()
    {
        var summary = await Import(Samples.File("quickbooks-invoice-list.csv"));

        Assert.Equal("quickbooks", summary.Format);
        Assert.Equal(5, summary.Invoices);
        Assert.Equal(0, summary.RejectedCount);
        Assert.DoesNotContain(summary.Warnings, w => w.Contains("TOTAL row")); // This report reconciles.

        var big = await Invoice("quickbooks", "1004");
        Assert.Equal((12750m, 12750m, new DateOnly(2026, 11, 19)), (big.Total, big.AmountDue, big.DueDate));
        var paid = await Invoice("quickbooks", "1002");
        Assert.Equal((InvoiceStatus.Paid, 1200m, 0m), (paid.Status, paid.AmountPaid, paid.AmountDue));
        var partly = await Invoice("quickbooks", "1003");
        Assert.Equal((InvoiceStatus.PartiallyPaid, 500m, 350m), (partly.Status, partly.AmountPaid, partly.AmountDue));
        Assert.Equal("Hart & Sons, Inc.", partly.Client.Name); // A quoted comma inside a name.
    }

    [Fact]
    public async Task QuickBooks_aging_detail_with_a_leading_empty_column_agrees_with_the_invoice_list()
    {
        var aging = await Import(Samples.File("quickbooks-ar-aging-detail.csv"));
        Assert.Equal(4, aging.Invoices);
        Assert.Equal(0, aging.RejectedCount);
        Assert.DoesNotContain(aging.Warnings, w => w.Contains("TOTAL row"));

        var list = await Import(Samples.File("quickbooks-invoice-list.csv"));
        Assert.Equal((1, 0, 4), (list.Created, list.Updated, list.Unchanged)); // Only 1002 (paid) is new.
    }

    [Fact]
    public async Task Stripe_reads_lowercase_currencies_timestamps_and_drafts_without_a_number()
    {
        var summary = await Import(Samples.File("stripe-invoices.csv"));
        Assert.Equal(7, summary.Invoices);

        var euro = await Invoice("stripe", "A1B2C3D4-0003");
        Assert.Equal(("EUR", 1800m, 600m, 1200m, new DateOnly(2026, 11, 11)),
            (euro.Currency, euro.Total, euro.AmountPaid, euro.AmountDue, euro.DueDate));
        Assert.Equal(InvoiceStatus.Open, (await Invoice("stripe", "A1B2C3D4-0004")).Status); // uncollectible is still owed
        Assert.Equal(InvoiceStatus.Draft, (await Invoice("stripe", "in_1QaB2cD3eF4gH5iO")).Status); // no number: its id
        var automatic = await Invoice("stripe", "A1B2C3D4-0006");
        Assert.Equal(new DateOnly(2026, 11, 18), automatic.DueDate); // No due date: charged when issued.
    }

    [Fact]
    public async Task Zoho_line_items_use_the_invoice_total_and_balance_not_the_item_totals()
    {
        var summary = await Import(Samples.File("zoho-books-invoices.csv"));
        Assert.Equal(5, summary.Invoices);

        var inr = await Invoice("zoho", "ZB-00041");
        Assert.Equal((177000m, 177000m, "INR"), (inr.Total, inr.AmountDue, inr.Currency));
        var partly = await Invoice("zoho", "ZB-00042");
        Assert.Equal((InvoiceStatus.PartiallyPaid, 600m, 400m), (partly.Status, partly.AmountPaid, partly.AmountDue));
        Assert.Equal(InvoiceStatus.Draft, (await Invoice("zoho", "ZB-00045")).Status);
    }

    [Fact]
    public async Task Invoice_ninja_v4_skips_the_banner_and_reads_dollar_amounts_and_month_names()
    {
        var summary = await Import(Samples.File("invoiceninja-v4-invoices.csv"));
        Assert.Equal("invoiceninja-v4", summary.Format);
        Assert.Equal(4, summary.Invoices);

        var first = await Invoice("invoiceninja", "0031");
        Assert.Equal((1350m, 1350m, new DateOnly(2026, 10, 12)), (first.Total, first.AmountDue, first.DueDate));
        var partial = await Invoice("invoiceninja", "0032");
        Assert.Equal((InvoiceStatus.PartiallyPaid, 200m, 440m), (partial.Status, partial.AmountPaid, partial.AmountDue));
        Assert.Equal(InvoiceStatus.Paid, (await Invoice("invoiceninja", "0033")).Status);
    }

    [Fact]
    public async Task FreshBooks_is_refused_without_a_payment_term_and_due_date_comes_from_the_term()
    {
        var path = Samples.File("freshbooks/freshbooks-invoices.csv");
        var refused = await _db.Importer().ImportFileAsync(path, new ImportSettings());
        Assert.Equal(ImportOutcome.Refused, refused.Outcome);
        Assert.Contains("PaymentTermDays", refused.Message);

        var summary = await Import(path, new ImportSettings { PaymentTermDays = 30 });
        Assert.Equal(3, summary.Invoices);
        var summed = await Invoice("freshbooks", "FB-0201");
        Assert.Equal((1808m, 1808m, new DateOnly(2026, 10, 25), "CAD"),
            (summed.Total, summed.AmountDue, summed.DueDate, summed.Currency)); // 1356 + 452 over two lines
        var paid = await Invoice("freshbooks", "FB-0202");
        Assert.Equal((InvoiceStatus.Paid, 0m), (paid.Status, paid.AmountDue));
    }

    [Fact]
    public async Task Generic_csv_reads_the_columns_configuration_names()
    {
        var options = new ExportOptions();
        options.Generic.Columns["Number"] = "Ref";
        options.Generic.Columns["Client"] = "Customer";
        options.Generic.Columns["IssueDate"] = "Raised";
        options.Generic.Columns["DueDate"] = "Payable by";
        options.Generic.Columns["Currency"] = "Ccy";
        options.Generic.Columns["Total"] = "Gross";
        options.Generic.Columns["Balance"] = "Outstanding";

        var summary = await Import(Samples.File("generic/receivables.csv"), ImportSettings.From(options));
        Assert.Equal("generic", summary.Format);
        Assert.Equal(3, summary.Invoices);
        var partly = await Invoice("generic", "G-101");
        Assert.Equal((2000m, 1500m, 500m, "GBP"), (partly.Total, partly.AmountPaid, partly.AmountDue, partly.Currency));
    }

    [Fact]
    public async Task Without_a_generic_mapping_an_unknown_layout_is_refused_naming_the_formats_looked_for()
    {
        var summary = await _db.Importer().ImportFileAsync(Samples.File("generic/receivables.csv"), new ImportSettings());
        Assert.Equal(ImportOutcome.Refused, summary.Outcome);
        Assert.Contains("--format xero|quickbooks|stripe|zoho|invoiceninja|freshbooks", summary.Message);
        Assert.Contains("Exports:Generic:Columns", summary.Message);
    }
}
