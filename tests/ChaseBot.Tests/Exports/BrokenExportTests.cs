using System.Text;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Exports;

/// <summary>Broken files get a clear answer and never cost the ledger anything it already had.</summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class BrokenExportTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    /// <summary>Imports the Xero sample first so there is something to lose, and returns a fingerprint of the ledger.</summary>
    private async Task<string> LedgerWithData()
    {
        await _db.Importer().ImportFileAsync(Samples.File("xero-invoices-nz.csv"), new ImportSettings());
        return await Fingerprint();
    }

    private async Task<string> Fingerprint()
    {
        await using var db = _db.Open();
        var invoices = await db.Invoices.OrderBy(i => i.Id)
            .Select(i => $"{i.Source}/{i.Number}/{i.ClientId}/{i.Total}/{i.AmountPaid}/{i.AmountDue}/{i.Status}/{i.DueDate}/{i.MissingSince}")
            .ToListAsync();
        return string.Join('\n', invoices) + $"\npayments {await db.Payments.CountAsync()}";
    }

    private async Task<ImportSummary> AssertRefused(string path, string because)
    {
        var before = await LedgerWithData();
        var summary = await _db.Importer().ImportFileAsync(path, new ImportSettings());
        Assert.Equal(ImportOutcome.Refused, summary.Outcome);
        Assert.Contains(because, summary.Message);
        Assert.Equal(before, await Fingerprint());
        await using var db = _db.Open();
        var run = await db.ImportRuns.SingleAsync(r => r.Id == summary.RunId);
        Assert.Equal((ImportOutcome.Refused, summary.Message), (run.Outcome, run.Message)); // The evidence is kept.
        return summary;
    }

    [Fact]
    public Task An_empty_file_is_refused() => AssertRefused(_db.WriteBytes("empty.csv", []), "empty");

    [Fact]
    public Task A_file_of_blank_lines_is_refused() => AssertRefused(_db.WriteFile("blank.csv", "\n\n\r\n"), "no rows");

    [Fact]
    public Task A_binary_file_is_refused() =>
        AssertRefused(_db.WriteBytes("invoices.csv", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00]), "binary");

    [Fact]
    public Task A_UTF16_file_without_a_byte_order_mark_is_refused_as_not_text() =>
        AssertRefused(_db.WriteBytes("utf16.csv", Encoding.Unicode.GetBytes(ExportQuirkTests.XeroHeader + "\n")), "UTF-16 text without a byte order mark");

    [Fact]
    public async Task A_10_MB_single_line_is_refused_without_reading_it_into_memory()
    {
        var path = Path.Combine(_db.Folder, "huge.csv");
        await using (var file = File.CreateText(path))
        {
            await file.WriteLineAsync(ExportQuirkTests.XeroHeader);
            await file.WriteAsync(new string('A', 10 * 1024 * 1024));
        }
        var summary = await AssertRefused(path, "line 2 is longer than");
        Assert.True(summary.Message!.Length < 300);
    }

    [Fact]
    public Task A_quote_that_never_closes_refuses_the_file_instead_of_swallowing_the_rest() =>
        AssertRefused(_db.WriteFile("unclosed.csv", ExportQuirkTests.XeroHeader + "\n" +
            "\"Open quote,,INV-1,01/10/2026,31/10/2026,100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n" +
            "B,,INV-2,01/10/2026,31/10/2026,100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n"), "never closed");

    [Fact]
    public Task An_unknown_layout_is_refused_saying_what_was_found_and_how_to_choose_a_format() =>
        AssertRefused(_db.WriteFile("other.csv", "foo,bar,baz\n1,2,3\n"), "its first row (\"foo\", \"bar\", \"baz\") is no known format's header");

    [Fact]
    public Task Xeros_import_template_is_refused_with_where_to_find_the_export() =>
        AssertRefused(_db.WriteFile("template.csv",
            "*ContactName,EmailAddress,*InvoiceNumber,*InvoiceDate,*DueDate,*Description,*Quantity,*UnitAmount,*AccountCode,*TaxType\n" +
            "Acme,,INV-1,01/10/2026,31/10/2026,Work,1,100,200,Tax Exempt\n"), "import template");

    [Fact]
    public async Task A_truncated_file_imports_its_whole_rows_and_rejects_the_cut_one()
    {
        var content = ExportQuirkTests.XeroHeader + "\n" +
                      "A,,INV-1,01/10/2026,31/10/2026,100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n" +
                      "B,,INV-2,01/10/2026,31/10/2026,100.00,0.00,100.";
        var summary = await _db.Importer().ImportFileAsync(_db.WriteFile("cut.csv", content), new ImportSettings());

        Assert.Equal(ImportOutcome.Imported, summary.Outcome);
        Assert.Equal(1, summary.Invoices);
        var rejected = Assert.Single(summary.Rejected);
        Assert.Equal(3, rejected.Line);
        Assert.Contains("cut short", rejected.Reason);
    }

    [Fact]
    public async Task Bad_rows_are_rejected_with_line_and_reason_and_stored_with_the_run_while_the_rest_imports()
    {
        var summary = await _db.Importer().ImportFileAsync(_db.WriteFile("bad-rows.csv", ExportQuirkTests.XeroHeader + "\n" +
            "A,,INV-1,01/10/2026,31/10/2026,100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n" +
            ",,INV-2,01/10/2026,31/10/2026,100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n" +
            "C,,INV-3,01/10/2026,31/10/2026,lots,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n" +
            "D,,INV-4,01/10/2026,31/10/2026,-50.00,0.00,-50.00,NZD,Sales invoice,Awaiting Payment\n" +
            "E,,INV-5,01/10/2026,31/10/2026,100.00,0.00,100.00,N$Z,Sales invoice,Awaiting Payment\n" +
            "F,,INV-6,01/10/2026,31/10/2026,99999999999999999.00,0.00,1.00,NZD,Sales invoice,Awaiting Payment\n" +
            "G,,INV-7,01/10/2026,31/10/2026,100.00,0.00,100.00,NZD,Sales invoice,Awaiting Payment\n"), new ImportSettings());

        Assert.Equal(2, summary.Invoices);
        Assert.Equal(
            [
                (3, "invoice INV-2 has no client name"),
                (4, "invoice INV-3: the total 'lots' is not an amount"),
                (5, "invoice INV-4 has a negative total (-50.00): a credit, not an invoice"),
                (6, "invoice INV-5: 'N$Z' is not a currency code like USD or EUR"),
                (7, "invoice INV-6: the total 99999999999999999.00 is too large to be an invoice amount"),
            ],
            summary.Rejected.Select(r => (r.Line, r.Reason)));
        await using var db = _db.Open();
        Assert.Equal(5, await db.RejectedRows.CountAsync(r => r.ImportRunId == summary.RunId));
    }
}
