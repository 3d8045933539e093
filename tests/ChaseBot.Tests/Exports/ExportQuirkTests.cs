using System.Text;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Exports.Parsing;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Exports;

/// <summary>The things that break naive parsers (exports.md), each on a small file.</summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class ExportQuirkTests : IDisposable
{
    internal const string XeroHeader = "ContactName,EmailAddress,InvoiceNumber,InvoiceDate,DueDate,Total,InvoiceAmountPaid,InvoiceAmountDue,Currency,Type,Status";

    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private Task<ImportSummary> Import(string name, string content, ImportSettings? settings = null) =>
        _db.Importer().ImportFileAsync(_db.WriteFile(name, content), settings ?? new ImportSettings());

    private async Task<Invoice> Invoice(string number)
    {
        await using var db = _db.Open();
        return await db.Invoices.Include(i => i.Client).SingleAsync(i => i.Number == number);
    }

    [Fact]
    public async Task An_export_address_list_gives_the_billing_address_and_its_ccs_and_a_header_trick_is_left_out()
    {
        await Import("xero.csv", XeroHeader + "\n" +
            "Kauri,\"ap@kauri.example; boss@kauri.example, not an address\",INV-1,01/10/2026,31/10/2026,100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n" +
            "Tui,\"ap@tui.example\r\nBcc: all@evil.example\",INV-2,01/10/2026,31/10/2026,100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n" +
            "Moana,accounts@moana.example,INV-3,01/10/2026,31/10/2026,100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n");

        Assert.Equal(("ap@kauri.example", "boss@kauri.example"), ((await Invoice("INV-1")).Client.BillingEmail, (await Invoice("INV-1")).Client.CcAddresses));
        Assert.Null((await Invoice("INV-2")).Client.BillingEmail);
        Assert.Equal("accounts@moana.example", (await Invoice("INV-3")).Client.BillingEmail);
    }

    [Fact]
    public async Task QuickBooks_open_invoices_grouped_by_customer_take_the_client_from_the_group_row()
    {
        var summary = await Import("open.csv", """
            Acme Agency,,,,,
            Open Invoices,,,,,
            As of November 21, 2026,,,,,

            Date,Transaction type,No.,Terms,Due date,Open balance
            Blue Ridge Outfitters,,,,,
            09/02/2026,Invoice,1001,Net 30,02/10/2026,"4,500.00"
            20/10/2026,Invoice,1004,Net 30,19/11/2026,"12,750.00"
            Total Blue Ridge Outfitters,,,,,"$17,250.00"
            Lakeside Dental,,,,,
            15/09/2026,Invoice,1002,Net 30,15/10/2026,300.00
            Total Lakeside Dental,,,,,$300.00
            TOTAL,,,,,"$17,550.00"
            """, new ImportSettings { DefaultCurrency = "GBP" });

        Assert.Equal((3, 0), (summary.Invoices, summary.RejectedCount));
        Assert.Equal("Blue Ridge Outfitters", (await Invoice("1004")).Client.Name);
        Assert.Equal("Lakeside Dental", (await Invoice("1002")).Client.Name);
        Assert.Equal(new DateOnly(2026, 11, 19), (await Invoice("1004")).DueDate); // 19/11 decides day-first
        Assert.Equal("GBP", (await Invoice("1002")).Currency);
    }

    [Fact]
    public async Task A_report_whose_total_row_does_not_add_up_is_imported_with_a_warning()
    {
        var summary = await Import("list.csv", """
            Date,Transaction type,Num,Name,Due date,Amount,Open balance
            9/22/2026,Invoice,1001,Blue Ridge,10/22/2026,100.00,100.00
            9/23/2026,Invoice,1002,Blue Ridge,10/23/2026,200.00,200.00
            TOTAL,,,,,$300.00,$999.00
            """);

        Assert.Equal(2, summary.Invoices);
        Assert.Contains(summary.Warnings, w => w.Contains("TOTAL row") && w.Contains("999.00") && w.Contains("300.00"));
    }

    [Fact]
    public async Task Quoted_commas_doubled_quotes_and_newlines_inside_fields_keep_line_numbers_right()
    {
        var summary = await Import("xero.csv", XeroHeader + "\n" +
            "\"Smith, Jones & \"\"Partners\"\"\",a@b.c,INV-1,01/10/2026,31/10/2026,100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n" +
            "\"Multi\nLine Ltd\",,INV-2,01/10/2026,31/10/2026,50.00,0.00,50.00,NZD,Sales invoice,Awaiting Payment\n" +
            "Bad Date Ltd,,INV-3,01/10/2026,32/10/2026,50.00,0.00,50.00,NZD,Sales invoice,Awaiting Payment\n");

        Assert.Equal("Smith, Jones & \"Partners\"", (await Invoice("INV-1")).Client.Name);
        Assert.Equal("Multi Line Ltd", (await Invoice("INV-2")).Client.Name); // a line break in a name is shown as a space everywhere
        var rejected = Assert.Single(summary.Rejected);
        Assert.Equal(5, rejected.Line); // Header 1, INV-1 2, INV-2 3–4, INV-3 5.
        Assert.Contains("due date '32/10/2026'", rejected.Reason);
    }

    [Fact]
    public async Task Windows_1252_files_are_read_as_such_and_say_so()
    {
        var content = XeroHeader + "\nCafé Müller,,INV-9,01/10/2026,31/10/2026,100.00,0.00,100.00,EUR,Sales invoice,Awaiting Payment\n";
        var path = _db.WriteBytes("cp1252.csv", ExportFileFacts.Windows1252.GetBytes(content));

        var summary = await _db.Importer().ImportFileAsync(path, new ImportSettings());

        Assert.Equal("Café Müller", (await Invoice("INV-9")).Client.Name);
        Assert.Contains(summary.Warnings, w => w.Contains("Windows-1252"));
    }

    [Fact]
    public async Task UTF16_files_with_a_byte_order_mark_are_read()
    {
        var content = XeroHeader + "\nŁódź Studio,,INV-16,01/10/2026,31/10/2026,100.00,0.00,100.00,PLN,Sales invoice,Awaiting Payment\n";
        var path = _db.WriteBytes("utf16.csv", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(content)]);

        var summary = await _db.Importer().ImportFileAsync(path, new ImportSettings());

        Assert.Equal(1, summary.Invoices);
        Assert.Equal("Łódź Studio", (await Invoice("INV-16")).Client.Name);
    }

    [Fact]
    public async Task Semicolon_separated_files_with_decimal_commas_are_read()
    {
        var summary = await Import("ninja-v5.csv", """
            Rechnungsnummer;number;client;date;due_date;amount;balance;paid_to_date;status;currency
            x;R-2026-17;Bäckerei Schmidt GmbH;2026-10-01;2026-10-31;1.234,56;234,56;1.000,00;Partial;EUR
            """);

        Assert.Equal("invoiceninja-v5", summary.Format);
        var invoice = await Invoice("R-2026-17");
        Assert.Equal((1234.56m, 1000m, 234.56m, InvoiceStatus.PartiallyPaid),
            (invoice.Total, invoice.AmountPaid, invoice.AmountDue, invoice.Status));
    }

    [Fact]
    public async Task Day_first_is_inferred_from_the_whole_file_even_when_the_deciding_date_comes_last()
    {
        var summary = await Import("dmy.csv", XeroHeader + "\n" +
            "A,,INV-1,03/04/2026,05/06/2026,10.00,0.00,10.00,NZD,Sales invoice,Awaiting Payment\n" +
            "B,,INV-2,01/10/2026,25/10/2026,10.00,0.00,10.00,NZD,Sales invoice,Awaiting Payment\n");

        Assert.Equal(2, summary.Invoices);
        Assert.Equal(new DateOnly(2026, 6, 5), (await Invoice("INV-1")).DueDate);
    }

    [Fact]
    public async Task A_file_whose_date_order_cannot_be_decided_is_refused_until_told()
    {
        const string content = XeroHeader + "\nA,,INV-1,03/04/2026,05/06/2026,10.00,0.00,10.00,NZD,Sales invoice,Awaiting Payment\n";

        var refused = await Import("ambiguous.csv", content);
        Assert.Equal(ImportOutcome.Refused, refused.Outcome);
        Assert.Contains("day-first or month-first", refused.Message);
        Assert.Contains("--date-order", refused.Message);
        await using (var db = _db.Open())
            Assert.Equal(0, await db.Invoices.CountAsync());

        var told = await Import("ambiguous.csv", content, new ImportSettings { DateOrder = DateOrder.MonthFirst });
        Assert.Equal(ImportOutcome.Imported, told.Outcome);
        Assert.Equal(new DateOnly(2026, 5, 6), (await Invoice("INV-1")).DueDate);
    }

    [Theory]
    [InlineData(DateOrder.DayFirst, "12/01/2026,01/12/2026", "11/20/2026,12/20/2026", "--date-order mdy")] // a month-first file forced dmy
    [InlineData(DateOrder.MonthFirst, "01/12/2026,02/12/2026", "20/11/2026,20/12/2026", "--date-order dmy")] // a day-first file forced mdy
    public async Task A_forced_date_order_that_a_row_contradicts_refuses_the_whole_file_and_changes_nothing(
        DateOrder forced, string readsEitherWay, string readsOneWay, string advice)
    {
        var refused = await Import("forced.csv", XeroHeader + "\n" +
            $"A,,INV-1,{readsEitherWay},100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n" +
            $"B,,INV-2,{readsOneWay},100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n", new ImportSettings { DateOrder = forced });

        Assert.Equal(ImportOutcome.Refused, refused.Outcome);
        Assert.Contains("line 3", refused.Message);
        Assert.Contains(advice, refused.Message);
        await using var db = _db.Open();
        Assert.Equal(0, await db.Invoices.CountAsync());
    }

    [Fact]
    public async Task A_negative_amount_paid_rejects_its_row_by_line_number()
    {
        var summary = await Import("refund.csv", XeroHeader + "\n" +
            "A,,INV-1,01/10/2026,31/10/2026,500.00,-100.00,600.00,NZD,Sales invoice,Awaiting Payment\n" +
            "A,,INV-2,01/10/2026,31/10/2026,500.00,100.00,400.00,NZD,Sales invoice,Awaiting Payment\n");

        var rejected = Assert.Single(summary.Rejected);
        Assert.Equal(2, rejected.Line);
        Assert.Contains("amount paid is negative", rejected.Reason);
        Assert.Equal(1, summary.Invoices);
        await using var db = _db.Open();
        Assert.False(await db.Invoices.AnyAsync(i => i.Number == "INV-1"));
    }

    [Fact]
    public async Task A_file_mixing_day_first_and_month_first_dates_is_refused_naming_both_lines()
    {
        var refused = await Import("mixed.csv", XeroHeader + "\n" +
            "A,,INV-1,19/04/2026,19/05/2026,10.00,0.00,10.00,NZD,Sales invoice,Awaiting Payment\n" +
            "B,,INV-2,04/19/2026,05/19/2026,10.00,0.00,10.00,NZD,Sales invoice,Awaiting Payment\n");

        Assert.Equal(ImportOutcome.Refused, refused.Outcome);
        Assert.Contains("line 2", refused.Message);
        Assert.Contains("line 3", refused.Message);
    }

    [Fact]
    public async Task Dates_that_disagree_after_batches_were_written_refuse_the_file_and_keep_nothing_of_it()
    {
        // The date order is decided as rows are read, so the disagreement is found after 1,500 invoices went to the
        // database in batches of ExportImporter.BatchSize: the whole import must still be undone.
        var content = new StringBuilder(XeroHeader).Append('\n');
        for (var n = 1; n <= 1500; n++)
            content.Append($"Client {n % 40},,INV-{n},19/04/2026,19/05/2026,10.00,0.00,10.00,NZD,Sales invoice,Awaiting Payment\n");
        content.Append("Late Co,,INV-9999,04/19/2026,05/19/2026,10.00,0.00,10.00,NZD,Sales invoice,Awaiting Payment\n");

        var refused = await Import("late-disagreement.csv", content.ToString());

        Assert.Equal(ImportOutcome.Refused, refused.Outcome);
        Assert.Contains("the dates disagree: line 2 has 19/04/2026 (day first) and line 1502 has 04/19/2026 (month first)", refused.Message);
        await using var db = _db.Open();
        Assert.Equal(0, await db.Invoices.CountAsync());
        Assert.Equal(0, await db.Clients.CountAsync());
        Assert.Equal(0, await db.AuditEntries.CountAsync(a => a.Action == "invoice.created"));
        Assert.Equal(ImportOutcome.Refused, (await db.ImportRuns.SingleAsync()).Outcome);
    }

    [Fact]
    public async Task A_date_either_order_reads_looks_ahead_to_the_first_deciding_date_past_many_rows()
    {
        var content = new StringBuilder(XeroHeader).Append('\n');
        for (var n = 1; n <= 1200; n++)
            content.Append($"Client {n % 40},,INV-{n},03/04/2026,05/06/2026,10.00,0.00,10.00,NZD,Sales invoice,Awaiting Payment\n");
        content.Append("Late Co,,INV-9999,01/10/2026,25/10/2026,10.00,0.00,10.00,NZD,Sales invoice,Awaiting Payment\n");

        var summary = await Import("deciding-date-last.csv", content.ToString());

        Assert.Equal((ImportOutcome.Imported, 1201), (summary.Outcome, summary.Invoices));
        Assert.Equal(new DateOnly(2026, 6, 5), (await Invoice("INV-1")).DueDate);
        Assert.Equal(new DateOnly(2026, 6, 5), (await Invoice("INV-1200")).DueDate);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_invoice_repeated_batches_later_with_other_values_is_rejected_and_the_first_kept(bool alreadyInTheLedger)
    {
        // Batches are ExportImporter.BatchSize invoices: the repeat is compared with what an earlier batch wrote, whether
        // that batch created the invoice (a first import) or found it in the ledger (a re-import).
        string Rows(decimal firstTotal)
        {
            var content = new StringBuilder(XeroHeader).Append('\n');
            for (var n = 1; n <= 1200; n++)
                content.Append($"Client {n % 40},,INV-{n},19/04/2026,19/05/2026,{(n == 5 ? firstTotal : 10m):0.00},0.00,{(n == 5 ? firstTotal : 10m):0.00},NZD,Sales invoice,Awaiting Payment\n");
            return content.ToString();
        }
        if (alreadyInTheLedger)
            Assert.Equal(ImportOutcome.Imported, (await Import("before.csv", Rows(10m))).Outcome);

        var summary = await Import("repeated.csv", Rows(55m) +
            "Client 5,,INV-5,19/04/2026,19/05/2026,99.00,0.00,99.00,NZD,Sales invoice,Awaiting Payment\n" +
            "Client 6,,INV-6,19/04/2026,19/05/2026,10.00,0.00,10.00,NZD,Sales invoice,Awaiting Payment\n");

        Assert.Equal(ImportOutcome.Imported, summary.Outcome);
        var rejected = Assert.Single(summary.Rejected);
        Assert.Equal(1202, rejected.Line);
        // Whether the repeat lands in the same batch as the first rows depends on how many invoices were passed over
        // unread in between (ImportFingerprint); either way it is rejected in the same words, and the first kept.
        Assert.Matches(@"^invoice INV-5 appears again with a different total 99\.00 \((line 6|an earlier row) says 55\.00\); the first row is kept$", rejected.Reason);
        Assert.Equal(55m, (await Invoice("INV-5")).Total);
        Assert.Equal((alreadyInTheLedger ? 0 : 1200, alreadyInTheLedger ? 1 : 0), (summary.Created, summary.Updated));
    }

    [Fact]
    public async Task Line_items_that_disagree_on_the_invoice_total_are_rejected_and_the_first_kept()
    {
        var summary = await Import("conflict.csv", XeroHeader + "\n" +
            "A,,INV-1,01/10/2026,31/10/2026,100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n" +
            "A,,INV-1,01/10/2026,31/10/2026,900.00,0.00,900.00,NZD,Sales invoice,Awaiting Payment\n");

        var rejected = Assert.Single(summary.Rejected);
        Assert.Equal(3, rejected.Line);
        Assert.Contains("total 900.00 (line 2 says 100.00)", rejected.Reason);
        Assert.Equal(100m, (await Invoice("INV-1")).Total);
    }

    [Fact]
    public async Task A_number_repeated_in_a_one_row_per_invoice_format_is_rejected()
    {
        var summary = await Import("dupes.csv", """
            Date,Transaction type,Num,Name,Due date,Amount,Open balance
            9/22/2026,Invoice,1001,Blue Ridge,10/22/2026,100.00,100.00
            9/23/2026,Invoice,1001,Blue Ridge,10/23/2026,500.00,500.00
            """);

        var rejected = Assert.Single(summary.Rejected);
        Assert.Contains("1001", rejected.Reason);
        Assert.Equal(100m, (await Invoice("1001")).Total);
    }

    [Fact]
    public async Task Rows_repeated_across_batches_are_checked_against_what_the_same_file_already_wrote()
    {
        var rows = new StringBuilder(XeroHeader + "\n");
        rows.Append("A,,INV-0,01/10/2026,31/10/2026,100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n");
        for (var i = 1; i <= ExportImporter.BatchSize + 5; i++)
            rows.Append($"B,,INV-{i},01/10/2026,31/10/2026,10.00,0.00,10.00,NZD,Sales invoice,Awaiting Payment\n");
        rows.Append("A,,INV-0,01/10/2026,31/10/2026,100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n"); // agrees
        rows.Append("A,,INV-0,01/10/2026,31/10/2026,777.00,0.00,777.00,NZD,Sales invoice,Awaiting Payment\n"); // does not

        var summary = await Import("batches.csv", rows.ToString());

        Assert.Equal(1, summary.RejectedCount);
        Assert.Contains("INV-0", summary.Rejected[0].Reason);
        Assert.Equal(100m, (await Invoice("INV-0")).Total);
    }

    [Fact]
    public async Task Formula_looking_cells_are_kept_as_text_and_never_read_as_amounts()
    {
        var summary = await Import("formula.csv", XeroHeader + "\n" +
            "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",,INV-1,01/10/2026,31/10/2026,100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n" +
            "B,,INV-2,01/10/2026,31/10/2026,=1+1,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n");

        Assert.Equal("=HYPERLINK(\"http://x\",\"y\")", (await Invoice("INV-1")).Client.Name);
        var rejected = Assert.Single(summary.Rejected);
        Assert.Contains("'=1+1' is not an amount", rejected.Reason);
    }
}
