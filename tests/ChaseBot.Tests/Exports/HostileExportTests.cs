using System.Text;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Exports;

/// <summary>
/// Files written to hurt (issue 27): never a crash, never a run left "running", never a stored fact changed without a
/// word, never a look-alike stored. Each on a ledger that already holds a client, so there is something to lose.
/// </summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class HostileExportTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private const string Header = "ContactName,EmailAddress,InvoiceNumber,InvoiceDate,DueDate,Total,InvoiceAmountPaid,InvoiceAmountDue,Currency,Status";

    private static string Row(string client, string number, string due = "15/12/2026", string total = "1000.00") =>
        $"{client},ap@client.example,{number},15/11/2026,{due},{total},0.00,{total},EUR,AUTHORISED";

    private async Task<ImportSummary> ImportAsync(string name, byte[] bytes)
    {
        var path = Path.Combine(_db.Folder, name);
        await File.WriteAllBytesAsync(path, bytes);
        return await _db.Importer().ImportFileAsync(path, new ImportSettings());
    }

    private Task<ImportSummary> ImportAsync(string name, string text) => ImportAsync(name, Encoding.UTF8.GetBytes(text));

    private async Task<List<string>> ClientsAsync()
    {
        await using var db = _db.Open();
        return await db.Clients.OrderBy(c => c.Name).Select(c => c.Name).ToListAsync();
    }

    [Fact]
    public async Task One_stray_byte_in_a_UTF8_file_rejects_its_row_and_renames_nobody()
    {
        await ImportAsync("first.csv", $"{Header}\n{Row("Zürich Design AG", "Z-1")}\n");
        var lines = new List<byte[]> { Encoding.UTF8.GetBytes(Header + "\n"), Encoding.UTF8.GetBytes(Row("Zürich Design AG", "Z-1", total: "1200.00") + "\n") };
        for (var i = 2; i <= 40; i++)
            lines.Add(Encoding.UTF8.GetBytes(Row("Filler Ltd", $"F-{i}") + "\n"));
        lines.Add([.. Encoding.UTF8.GetBytes("Broken "), 0xFF, .. Encoding.UTF8.GetBytes(Row(" Ltd", "B-1")[1..] + "\n")]);

        var summary = await ImportAsync("second.csv", [.. lines.SelectMany(l => l)]);

        Assert.Equal(ImportOutcome.Imported, summary.Outcome);
        Assert.Equal(["Filler Ltd", "Zürich Design AG"], await ClientsAsync());
        Assert.Equal(1200m, await _db.Open().Invoices.Where(i => i.Number == "Z-1").Select(i => i.Total).SingleAsync());
        var rejected = Assert.Single(summary.Rejected);
        Assert.Equal(42, rejected.Line);
        Assert.StartsWith("it has a byte that is not UTF-8 (in cell 1)", rejected.Reason);
        Assert.Contains(summary.Warnings, w => w.StartsWith("1 byte is not UTF-8 (the first on line 42, byte offset", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_byte_after_a_byte_order_mark_costs_its_row_not_the_file()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes($"{Header}\n{Row("Acme", "A-1")}\n"), .. Encoding.UTF8.GetBytes("Bad"), 0xE9,
            .. Encoding.UTF8.GetBytes(Row(" Ltd", "B-1") + "\n")];

        var summary = await ImportAsync("bom.csv", bytes);

        Assert.Equal(ImportOutcome.Imported, summary.Outcome);
        Assert.Equal(["Acme"], await ClientsAsync());
        Assert.Equal(3, Assert.Single(summary.Rejected).Line);
    }

    [Fact]
    public async Task A_file_that_is_not_UTF8_at_all_is_read_as_Windows_1252_and_says_which_line_decided_it()
    {
        var cp1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;
        var summary = await ImportAsync("excel.csv", cp1252.GetBytes($"{Header}\n{Row("Acme", "A-1")}\n{Row("Café Olé", "C-1")}\n"));

        Assert.Equal(ImportOutcome.Imported, summary.Outcome);
        Assert.Contains("Café Olé", await ClientsAsync());
        Assert.Contains(summary.Warnings, w => w.StartsWith("the file is not UTF-8 (line 3, byte offset", StringComparison.Ordinal) &&
                                               w.Contains("read as Windows-1252", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(",,,\n")]
    [InlineData(" ")]
    [InlineData("\"\"")]
    [InlineData("\uFEFF\n\n\n")]
    [InlineData(Header + "\n")] // a header and nothing under it: cut short
    [InlineData(Header + "\n,,,,,,,,,\n\n")]
    public async Task A_blank_file_is_refused_and_its_run_never_left_running(string text)
    {
        var summary = await ImportAsync("blank.csv", text);

        Assert.Equal(ImportOutcome.Refused, summary.Outcome);
        Assert.StartsWith("the file has no rows", summary.Message); // "…: every line is blank" when it has lines, all empty
        await using var db = _db.Open();
        Assert.Equal(0, await db.ImportRuns.CountAsync(r => r.Outcome == ImportOutcome.Running));
    }

    [Fact]
    public async Task A_date_in_full_width_digits_rejects_its_row_and_the_rest_imports()
    {
        var summary = await ImportAsync("wide.csv", $"{Header}\n{Row("Acme", "A-1", due: "１５/１２/２０２６")}\n{Row("Acme", "A-2")}\n");

        Assert.Equal(ImportOutcome.Imported, summary.Outcome);
        Assert.Equal(1, summary.Created);
        Assert.Contains("the due date '１５/１２/２０２６' is not a date", Assert.Single(summary.Rejected).Reason);
    }

    [Theory]
    [InlineData("Kauri Digital Ltd", "INV-0101\u200B", "the invoice number 'INV-0101\\u200b' has an invisible character (U+200B ZERO WIDTH SPACE) at character 9")]
    [InlineData("Kauri Digital Ltd\u200B", "INV-0102", "invoice INV-0102: the client name 'Kauri Digital Ltd\\u200b' has an invisible character (U+200B ZERO WIDTH SPACE) at character 18")]
    [InlineData("Kauri \u202EdtL latigiD", "INV-0103", "has a text-direction control (U+202E RIGHT-TO-LEFT OVERRIDE) at character 7")]
    [InlineData("Acme\u001B[2J", "INV-0104", "has a control character (U+001B) at character 5")]
    public async Task A_look_alike_number_or_name_is_rejected_naming_the_character_and_where(string client, string number, string because)
    {
        await ImportAsync("first.csv", $"{Header}\n{Row("Kauri Digital Ltd", "INV-0101")}\n");

        var summary = await ImportAsync("second.csv", $"{Header}\n{Row(client, number)}\n");

        Assert.Contains(because, Assert.Single(summary.Rejected).Reason);
        Assert.Equal(["Kauri Digital Ltd"], await ClientsAsync());
        await using var db = _db.Open();
        Assert.Equal(["INV-0101"], await db.Invoices.Select(i => i.Number).ToListAsync());
    }

    [Fact]
    public async Task A_header_that_names_a_column_ChaseBot_reads_twice_is_refused_naming_it()
    {
        var summary = await ImportAsync("twice.csv", $"{Header},Total\n{Row("Acme", "A-1")},5.00\n");

        Assert.Equal(ImportOutcome.Refused, summary.Outcome);
        Assert.Equal("the header names 'Total' (columns 6 and 11) twice, so which column to read would be a guess: remove or rename one and import the file again",
            summary.Message);
    }

    [Fact]
    public async Task A_blank_currency_cell_is_named_as_such_and_a_symbol_that_contradicts_the_row_rejects_it()
    {
        var summary = await ImportAsync("currency.csv", $"{Header}\n{Row("Acme", "A-1").Replace(",EUR,", ",,")}\n" +
                                                        $"{Row("Acme", "A-2").Replace(",1000.00,0.00,1000.00,EUR,", ",\"€1,200.00\",0.00,\"€1,200.00\",NZD,")}\n");

        Assert.Contains(summary.Warnings, w => w.StartsWith("the Currency cell is blank on line 2 (and maybe others); those amounts are taken as USD", StringComparison.Ordinal));
        Assert.DoesNotContain(summary.Warnings, w => w.Contains("no currency column", StringComparison.Ordinal));
        Assert.Equal("invoice A-2: an amount is written in EUR but the row's currency is NZD", Assert.Single(summary.Rejected).Reason);
    }

    private static string Amounts(string number, string total, string paid, string due) =>
        $"Acme,ap@acme.example,{number},15/11/2026,15/12/2026,\"{total}\",\"{paid}\",\"{due}\",EUR,AUTHORISED";

    [Fact]
    public async Task A_thousands_dot_in_a_decimal_comma_file_is_a_thousand_not_one_and_a_half()
    {
        var summary = await ImportAsync("comma.csv", $"{Header}\n{Amounts("A-1", "1.234,56", "0,00", "1.234,56")}\n{Amounts("A-2", "1.500", "0", "1.500")}\n");

        Assert.Empty(summary.Rejected);
        await using var db = _db.Open();
        Assert.Equal(1500m, await db.Invoices.Where(i => i.Number == "A-2").Select(i => i.Total).SingleAsync());
    }

    [Theory]
    [InlineData("EUR", "12.3456", "invoice A-1: the total 12.3456 has more decimals than EUR allows (2)")]
    [InlineData("JPY", "1500.50", "invoice A-1: the total 1,500.50 has more decimals than JPY allows (0)")]
    [InlineData("EUR", "100.0000", null)] // four decimals, all zero, as some exports write a hundred
    [InlineData("JPY", "1500", null)]
    [InlineData("KWD", "1,000.125", null)] // dinars have three
    public async Task An_amount_with_more_decimals_than_its_currency_has_rejects_its_row(string currency, string total, string? because)
    {
        var summary = await ImportAsync("decimals.csv",
            $"{Header}\nAcme,ap@acme.example,A-1,15/11/2026,15/12/2026,\"{total}\",0,\"{total}\",{currency},AUTHORISED\n");

        Assert.Equal(because, summary.Rejected.SingleOrDefault()?.Reason);
        Assert.Equal(because is null ? 1 : 0, summary.Created);
    }

    [Fact]
    public async Task A_name_or_number_only_a_re_decoding_changed_is_said_and_the_stored_one_kept()
    {
        await ImportAsync("first.csv", $"{Header}\n{Row("Zürich Design AG", "Zü-1")}\n");
        // Saved again by a spreadsheet that read the UTF-8 as Windows-1252: every "ü" is now "Ã¼", written as UTF-8.
        var summary = await ImportAsync("resaved.csv", $"{Header}\n{Row("ZÃ¼rich Design AG", "ZÃ¼-1", total: "1200.00")}\n");

        Assert.Equal(["Zürich Design AG"], await ClientsAsync());
        await using var db = _db.Open();
        Assert.Equal(("Zü-1", 1200m), await db.Invoices.Select(i => new ValueTuple<string, decimal>(i.Number, i.Total)).SingleAsync());
        Assert.Contains("the client \"ZÃ¼rich Design AG\" (line 2) is \"Zürich Design AG\" with its letters UTF-8 read as Windows-1252; " +
            "kept as \"Zürich Design AG\", the name the ledger holds", summary.Warnings);
        Assert.Contains(summary.Warnings, w => w.StartsWith("invoice \"ZÃ¼-1\" (line 2) is \"Zü-1\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UTF32_is_read_and_UTF16_that_lost_its_byte_order_mark_is_refused_naming_why()
    {
        var text = $"{Header}\n{Row("Zürich Design AG", "Z-1")}\n";
        var utf32 = await ImportAsync("utf32.csv", new UTF32Encoding(false, true).GetPreamble().Concat(new UTF32Encoding(false, true).GetBytes(text)).ToArray());
        var utf16 = await ImportAsync("utf16.csv", Encoding.Unicode.GetBytes(text));

        Assert.Equal(1, utf32.Created);
        Assert.Equal(["Zürich Design AG"], await ClientsAsync());
        Assert.Equal(ImportOutcome.Refused, utf16.Outcome);
        Assert.StartsWith("the file looks like UTF-16 text without a byte order mark", utf16.Message);
    }

    [Fact]
    public async Task An_amount_that_reads_two_ways_is_decided_by_a_later_row_or_rejected_as_ambiguous_never_guessed()
    {
        var later = await ImportAsync("later.csv", $"{Header}\n{Amounts("A-1", "1.500", "0", "1.500")}\n{Amounts("A-2", "2.000,50", "0", "2.000,50")}\n");
        var never = await ImportAsync("never.csv", $"{Header}\n{Amounts("B-1", "1.500", "0", "1.500")}\n");
        var against = await ImportAsync("against.csv", $"{Header}\n{Amounts("C-1", "1000.00", "0.00", "1000.00")}\n{Amounts("C-2", "1.234,56", "0", "1.234,56")}\n");

        Assert.Empty(later.Rejected);
        await using var db = _db.Open();
        Assert.Equal(1500m, await db.Invoices.Where(i => i.Number == "A-1").Select(i => i.Total).SingleAsync());
        Assert.Equal("invoice B-1: the total '1.500' could be 1.50 or 1,500.00: no amount in the file shows whether '.' or ',' marks its decimals",
            Assert.Single(never.Rejected).Reason);
        Assert.Equal("invoice C-2: the total '1.234,56' is written with a decimal comma, but the file writes its decimals with a point (line 2: 1000.00)",
            Assert.Single(against.Rejected).Reason);
    }

    [Fact]
    public async Task A_name_written_decomposed_is_the_same_client_as_one_written_composed()
    {
        await ImportAsync("first.csv", $"{Header}\n{Row("Zürich Design AG", "Z-1")}\n");

        await ImportAsync("second.csv", $"{Header}\n{Row("Zu\u0308rich Design AG", "Z-2")}\n");

        Assert.Equal(["Zürich Design AG"], await ClientsAsync());
    }

    [Fact]
    public async Task An_invoice_whose_row_was_rejected_is_not_missing_from_the_file_and_one_missing_is_said_in_the_singular()
    {
        await ImportAsync("first.csv", $"{Header}\n{Row("Acme", "A-1")}\n{Row("Acme", "A-2")}\n{Row("Acme", "A-3")}\n");

        var summary = await ImportAsync("second.csv", $"{Header}\n{Row("Acme", "A-1")}\n{Row("Acme", "A-2", total: "twelve")}\n");

        Assert.Contains("invoice A-2: the total 'twelve' is not an amount", Assert.Single(summary.Rejected).Reason);
        Assert.Equal(1, summary.FlaggedMissing); // A-3 only
        Assert.Contains(summary.Warnings, w => w.StartsWith("1 open invoice from xero seen in earlier exports is not in this one", StringComparison.Ordinal));
        await using var db = _db.Open();
        Assert.Null(await db.Invoices.Where(i => i.Number == "A-2").Select(i => i.MissingSince).SingleAsync());
    }

    [Theory]
    [InlineData("Acme;=1+2", "\"Acme;=1+2\"")]
    [InlineData("Acme\t=1+2", "\"Acme\t=1+2\"")]
    [InlineData("=1+2", "'=1+2")]
    [InlineData("Plain Ltd", "Plain Ltd")]
    public void A_csv_cell_that_a_spreadsheet_would_split_or_run_is_quoted_or_neutralised(string text, string written) =>
        Assert.Equal(written, Core.Reports.SpreadsheetCsv.Text(text));

    [Theory]
    [InlineData("Acme\u001B[2J", "Acme\\x1b[2J")]
    [InlineData("Acme\u001B]0;pwned\u0007", "Acme\\x1b]0;pwned\\x07")]
    [InlineData("Kauri \u202EdtL", "Kauri \\u202edtL")]
    [InlineData("Zürich Design AG", "Zürich Design AG")]
    public void Text_from_the_ledger_is_printed_with_its_control_characters_visible(string stored, string shown) =>
        Assert.Equal(shown, Core.Text.Printable.Of(stored));
}
