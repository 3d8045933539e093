using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Exports;

/// <summary>
/// docs/extending.md, "A new export format", followed to the letter: a format is data (its columns' names, which are
/// required, its status words, its rule for a missing due date), and nothing else in ChaseBot changes to read it.
/// </summary>
public sealed class ExampleFormatTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    /// <summary>A tiny made-up system, "Ledgerly": one row per invoice, its own column names and status words, no due date on paid-at-issue sales.</summary>
    private static readonly ExportFormat Ledgerly = new()
    {
        Name = "ledgerly",
        DisplayName = "Ledgerly invoice list",
        Source = "ledgerly",
        Aliases = new Dictionary<ExportField, string[]>
        {
            [ExportField.Number] = ["Ref"],
            [ExportField.Client] = ["Customer"],
            [ExportField.IssueDate] = ["Raised"],
            [ExportField.DueDate] = ["Due by"],
            [ExportField.Total] = ["Gross"],
            [ExportField.Balance] = ["Left to pay"],
            [ExportField.Currency] = ["Cur"],
            [ExportField.Status] = ["State"],
        },
        Required = [ExportField.Number, ExportField.Client, ExportField.Total, ExportField.Balance, ExportField.Status],
        Statuses = new Dictionary<string, StatusHint> { ["open"] = StatusHint.Open, ["settled"] = StatusHint.Paid, ["cancelled"] = StatusHint.Void },
        WithoutDueDate = WithoutDueDate.DueOnIssue,
    };

    [Fact]
    public async Task A_format_described_as_data_is_detected_by_its_header_and_imported_like_the_built_in_ones()
    {
        var file = _db.WriteFile("ledgerly.csv", """
            Ref,Customer,Raised,Due by,Gross,Left to pay,Cur,State
            L-1,Kauri Digital Ltd,2026-10-01,2026-10-31,1200.00,1200.00,NZD,Open
            L-2,Kauri Digital Ltd,2026-10-05,,300.00,0.00,NZD,Settled
            L-3,Blue Ridge Outfitters,2026-10-09,2026-11-08,800.00,250.00,USD,Open

            """);

        var summary = await _db.Importer(Clocks.At("2026-11-21T09:00:00Z"))
            .ImportFileAsync(file, new ImportSettings { ExtraFormats = [Ledgerly] });

        Assert.Equal(("ledgerly", 3, 0), (summary.Format, summary.Created, summary.RejectedCount));
        await using var db = _db.Open();
        var invoices = await db.Invoices.Include(i => i.Client).OrderBy(i => i.Number).ToListAsync();
        Assert.Equal(["L-1", "L-2", "L-3"], invoices.Select(i => i.Number));
        Assert.All(invoices, i => Assert.Equal("ledgerly", i.Source));
        Assert.Equal((InvoiceStatus.Paid, new DateOnly(2026, 10, 5)), (invoices[1].Status, invoices[1].DueDate)); // due on issue
        Assert.Equal((550m, 250m, "USD", "Blue Ridge Outfitters"), (invoices[2].Total - invoices[2].AmountDue, invoices[2].AmountDue, invoices[2].Currency, invoices[2].Client.Name));
    }

    [Fact]
    public async Task Without_the_format_the_same_file_is_refused_and_says_which_formats_it_knows()
    {
        var file = _db.WriteFile("ledgerly.csv", "Ref,Customer,Raised,Due by,Gross,Left to pay,Cur,State\nL-1,Kauri Digital Ltd,2026-10-01,2026-10-31,1200.00,1200.00,NZD,Open\n");

        var summary = await _db.Importer(Clocks.At("2026-11-21T09:00:00Z")).ImportFileAsync(file, new ImportSettings());

        Assert.Equal(ImportOutcome.Refused, summary.Outcome);
        Assert.Contains("xero", summary.Message);
    }
}
