using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Chasing;
using Microsoft.EntityFrameworkCore;
using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Exports;

/// <summary>
/// "INV-0102" and "inv-0102" in one source are one invoice (issue 27): an import never stores the two, and chat finds an
/// invoice by its number in any case. A ledger written before that, which holds both, can still be paid from chat.
/// </summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class InvoiceNumberCaseTests : IDisposable
{
    private readonly ChaseHarness _h = new();

    public void Dispose() => _h.Dispose();

    private const string Header = "ContactName,EmailAddress,InvoiceNumber,InvoiceDate,DueDate,Total,InvoiceAmountPaid,InvoiceAmountDue,Currency,Status";

    private static string Row(string number, string total = "1000.00", string paid = "0.00") =>
        $"Kauri Digital Ltd,ap@kauri.example,{number},15/10/2026,15/11/2026,{total},{paid},{decimal.Parse(total) - decimal.Parse(paid):0.00},NZD,AUTHORISED";

    private Task<ImportSummary> ImportAsync(string name, params string[] rows) =>
        _h.Db.Importer(_h.Clock).ImportFileAsync(_h.Db.WriteFile(name, Header + "\n" + string.Join('\n', rows) + "\n"), new ImportSettings());

    private Task<List<Invoice>> InvoicesAsync() => _h.QueryAsync(db => db.Invoices.OrderBy(i => i.Id).ToListAsync());

    [Fact]
    public async Task A_number_in_another_case_in_a_later_export_is_the_same_invoice_under_its_stored_spelling()
    {
        await ImportAsync("1.csv", Row("INV-0102"));
        var later = await ImportAsync("2.csv", Row("inv-0102", paid: "400.00"));

        var invoice = Assert.Single(await InvoicesAsync());
        Assert.Equal(("INV-0102", 400m), (invoice.Number, invoice.AmountPaid));
        Assert.Equal((0, 1, 0), (later.Created, later.Updated, later.FlaggedMissing));
    }

    [Fact]
    public async Task Two_spellings_in_one_file_are_one_invoice_and_the_second_row_is_said_to_repeat_it()
    {
        var summary = await ImportAsync("1.csv", Row("INV-0102"), Row("inv-0102", total: "900.00"));

        Assert.Equal("INV-0102", Assert.Single(await InvoicesAsync()).Number);
        Assert.Contains("appears again with a different", Assert.Single(summary.Rejected).Reason);
    }

    [Fact]
    public async Task Chat_finds_an_invoice_by_its_number_in_any_case_for_status_and_paid()
    {
        await ImportAsync("1.csv", Row("INV-0102"), Row("INV-0103"));

        Assert.Contains("INV-0102", await _h.SayAsync("status inv-0102"));
        Assert.DoesNotContain("INV-0103", await _h.SayAsync("status inv-0102"));
        Assert.StartsWith("Logged NZD 1,000.00 paid", await _h.SayAsync("paid inv-0102"));
        Assert.Equal(1000m, (await InvoicesAsync())[0].AmountPaid);
    }

    [Fact]
    public async Task A_ledger_holding_both_spellings_says_which_and_the_form_it_offers_pays_that_one()
    {
        var client = await _h.ClientAsync("Kauri Digital Ltd");
        var upper = await _h.InvoiceAsync(client, "INV-0102", daysLate: 10, configure: i => i.Source = "xero");
        var lower = await _h.InvoiceAsync(client, "inv-0102", daysLate: 10, configure: i => i.Source = "xero");

        var ask = await _h.SayAsync("paid Inv-0102");
        Assert.Contains("Say which", ask);
        Assert.Contains("xero:inv-0102", ask);

        Assert.StartsWith("Logged", await _h.SayAsync("paid xero:inv-0102"));
        var invoices = await InvoicesAsync();
        Assert.Equal((0m, 1000m), (invoices.Single(i => i.Id == upper.Id).AmountPaid, invoices.Single(i => i.Id == lower.Id).AmountPaid));
    }
}
