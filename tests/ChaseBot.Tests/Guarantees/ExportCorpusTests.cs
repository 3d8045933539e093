using System.Text;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Exports;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Guarantees;

/// <summary>
/// Broken and hostile exports dropped onto a ledger that already holds the client's invoices. Each gets a clear
/// result (imported with its rejects and warnings, or refused with a reason) and none loses or corrupts what is
/// stored: a refused file changes nothing, and an imported one changes only the invoices it states. An invoice it
/// leaves out is flagged missing, never marked paid.
/// </summary>
public sealed class ExportCorpusTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private static readonly string[] Sample = System.IO.File.ReadAllLines(Samples.File("xero-invoices-nz.csv"));
    private static string Header => XeroRows.Header;

    public static TheoryData<string, ImportOutcome, string> Corpus => new()
    {
        { "empty", ImportOutcome.Refused, "empty" },
        { "binary", ImportOutcome.Refused, "binary" },
        { "10 MB on one line", ImportOutcome.Refused, "longer than" },
        { "an unclosed quote", ImportOutcome.Refused, "quote" },
        { "not an export at all", ImportOutcome.Refused, "columns" },
        { "truncated in the middle of a row", ImportOutcome.Imported, "" },
        { "UTF-16 without a byte-order mark", ImportOutcome.Refused, "" },
        { "Windows-1252 instead of UTF-8", ImportOutcome.Imported, "" },
        { "one invoice twice, with different totals", ImportOutcome.Imported, "" },
        { "half the invoices removed", ImportOutcome.Imported, "" },
        { "formula cells", ImportOutcome.Imported, "" },
        { "an overpayment", ImportOutcome.Imported, "" },
    };

    private static byte[] File(string name) => name switch
    {
        "empty" => [],
        "binary" => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, .. new byte[4000]],
        "10 MB on one line" => Encoding.UTF8.GetBytes(Header + "\n" + new string('A', 10 * 1024 * 1024) + "\n"),
        "an unclosed quote" => Utf8(Sample[0], Sample[1], "\"Kauri Digital Ltd,accounts@kauridigital.co.nz" + Sample[2][25..]),
        "not an export at all" => Utf8("name,age,favourite colour", "Ana,34,green"),
        "truncated in the middle of a row" => Utf8(Sample[0], Sample[1], Sample[2], Sample[3][..60]),
        "UTF-16 without a byte-order mark" => Encoding.Unicode.GetBytes(string.Join("\n", Sample.Select(l => l.TrimStart('\uFEFF')))),
        "Windows-1252 instead of UTF-8" => CodePagesEncodingProvider.Instance.GetEncoding(1252)!.GetBytes(
            string.Join("\n", Sample.Select(l => l.TrimStart('\uFEFF').Replace("Tui Print & Design", "Tui Print & Design Café")))),
        "one invoice twice, with different totals" => Utf8([.. Sample, Sample[1].Replace("4600.00", "9600.00")]),
        "half the invoices removed" => Utf8([Sample[0], .. Sample.Skip(1).Where(l => !l.Contains("INV-0101") && !l.Contains("INV-0102"))]),
        "formula cells" => Utf8(Sample[0], Sample[1].Replace("Kauri Digital Ltd", "=HYPERLINK(\"\"http://evil.example\"\")").Replace(",4600.00,", ",=2*2300,"),
            "@SUM(1+1)" + Sample[2][Sample[2].IndexOf(',')..]),
        "an overpayment" => Utf8(Sample[0], Sample[3].Replace(",500.00,650.00,", ",5000.00,-3850.00,")),
        _ => throw new ArgumentOutOfRangeException(name),
    };

    private static byte[] Utf8(params string[] lines) => Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");

    private async Task<Dictionary<string, string>> LedgerAsync()
    {
        await using var db = _db.Open();
        return await db.Invoices.Include(i => i.Client).ToDictionaryAsync(i => $"{i.Source}/{i.Number}",
            i => $"{i.Client.Name}|{i.Total}|{i.AmountPaid}|{i.AmountDue}|{i.Status}|{i.DueDate}|{i.MissingSince}");
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task A_broken_export_gets_a_clear_result_and_stored_data_is_neither_lost_nor_corrupted(string name, ImportOutcome expected, string says)
    {
        foreach (var sample in new[] { "xero-invoices-nz.csv", "stripe-invoices.csv" })
            await _db.Importer().ImportFileAsync(Samples.File(sample), new ImportSettings());
        var before = await LedgerAsync();
        var payments = await _db.Open().Payments.CountAsync();

        var summary = await _db.Importer(Clocks.At("2026-11-22T09:00:00Z"))
            .ImportFileAsync(_db.WriteBytes($"{name.Replace(' ', '-')}.csv", File(name)), new ImportSettings { DateOrder = Core.Exports.Parsing.DateOrder.DayFirst });

        Assert.True(expected == summary.Outcome, $"{name}: {summary.Outcome} {summary.Message}");
        var after = await LedgerAsync();
        Assert.Equal(before.Keys.Order(), after.Keys.Intersect(before.Keys).Order()); // nothing stored was deleted
        if (summary.Refused)
        {
            Assert.Contains(says, summary.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(before, after);
            return;
        }
        // Stripe's invoices are another source: untouched by a Xero file, whatever it says.
        Assert.All(before.Where(b => b.Key.StartsWith("stripe/")), b => Assert.Equal(b.Value, after[b.Key]));
        // Xero invoices the file leaves out are flagged missing if still owed, never marked paid. (A file whose every
        // row was rejected says nothing about what is missing, so it flags nothing.)
        var stated = Encoding.UTF8.GetString(File(name));
        foreach (var (key, value) in before.Where(b => b.Key.StartsWith("xero/") && !stated.Contains(b.Key["xero/".Length..] + ",")))
        {
            var (was, now) = (value.Split('|'), after[key].Split('|'));
            Assert.Equal(was[..6], now[..6]);
            var owed = was[4] is nameof(InvoiceStatus.Open) or nameof(InvoiceStatus.PartiallyPaid);
            Assert.True((owed && summary.Invoices > 0) == (now[6] != ""), $"{name}: {key} ({was[4]}) missing since '{now[6]}'");
        }
        // Nothing became paid by a payment that did not happen.
        await using var db = _db.Open();
        Assert.All(await db.Invoices.ToListAsync(), i => Assert.True(i.AmountDue >= 0, $"{name}: {i.Number} due {i.AmountDue}"));
        Assert.True(await db.Payments.CountAsync() >= payments);
        if (name == "one invoice twice, with different totals")
            Assert.Contains(summary.Rejected, r => r.Reason.Contains("INV-0101") && r.Reason.Contains("different"));
        if (name == "formula cells")
            Assert.Contains(summary.Rejected, r => r.Reason.Contains("is not an amount"));
        if (name == "an overpayment")
        {
            // Overpaid is settled: nothing is owed (the credit itself is the accounting tool's business).
            var overpaid = await db.Invoices.SingleAsync(i => i.Number == "INV-0102");
            Assert.Equal((0m, InvoiceStatus.Paid), (overpaid.AmountDue, overpaid.Status));
        }
    }

    [Fact]
    public async Task Status_as_CSV_neutralises_cells_a_spreadsheet_would_run_as_formulas()
    {
        await _db.Importer().ImportFileAsync(_db.WriteBytes("formula.csv", Utf8(Sample[0],
            Sample[1].Replace("Kauri Digital Ltd", "\"=HYPERLINK(\"\"http://evil.example\"\",\"\"pay here\"\")\""),
            Sample[3].Replace("Tui Print & Design", "+cmd|' /C calc'!A0").Replace("INV-0102", "@INV-0102"),
            Sample[4].Replace("Kauri Digital Ltd", "\"-Kauri, \"\"quoted\"\"\""))), new ImportSettings());

        var result = await Cli.RunAsync("status", "--csv", "--db", _db.Path, "--as-of", "2026-11-22");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("number,source,client,currency,total,paid,due,due_date,status,days_overdue,missing", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("INV-0101,xero,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"pay here\"\")\",NZD,4600.00,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("'@INV-0102,xero,'+cmd|' /C calc'!A0,NZD,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",\"'-Kauri, \"\"quoted\"\"\",", StringComparison.Ordinal));
        Assert.All(lines.Skip(1), l => Assert.DoesNotMatch("(^|,)[=+@-]", l)); // no cell starts a formula
    }
}

/// <summary>The Xero sample's header, for building files.</summary>
internal static class XeroRows
{
    public static string Header { get; } = File.ReadLines(Samples.File("xero-invoices-nz.csv")).First().TrimStart('\uFEFF');
}
