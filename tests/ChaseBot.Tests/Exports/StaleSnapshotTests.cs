using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Chasing;
using Microsoft.EntityFrameworkCore;
using ChaseBot.Tests.Support;

namespace ChaseBot.Tests.Exports;

/// <summary>
/// Every export is a snapshot with an "as of" (the file's modified time). An older one never rewrites what a newer one
/// set, and a newer one that turns a paid invoice unpaid holds it until a person confirms. The files' times are set by
/// the test, relative to each other, never compared with the clock.
/// </summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class StaleSnapshotTests : IDisposable
{
    private readonly ChaseHarness _h = new(configure: o => o.DefaultOwner = "U0OWNER");
    private static readonly DateTime Saved = new(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);

    public void Dispose() => _h.Dispose();

    private const string Header = "id,Number,Customer Name,Customer Email,Status,Currency,Amount Due,Amount Paid,Amount Remaining,Total,Date (UTC),Due Date (UTC)";

    private static string Row(string number, bool paid, string extra = "") =>
        $"in_{number},{number},Northwind Analytics{extra},ap@northwind.example,{(paid ? "paid" : "open")},usd,1000.00,{(paid ? "1000.00" : "0.00")},{(paid ? "0.00" : "1000.00")},1000.00,2026-10-13 10:00:00,2026-11-13 10:00:00";

    /// <summary>Writes a Stripe export saved at <paramref name="savedAt"/> and imports it.</summary>
    private async Task<ImportSummary> ImportAsync(string name, DateTime savedAt, params string[] rows)
    {
        var path = _h.Db.WriteFile(name, Header + "\n" + string.Join('\n', rows) + "\n");
        File.SetLastWriteTimeUtc(path, savedAt);
        return await _h.Db.Importer(_h.Clock).ImportFileAsync(path, new ImportSettings());
    }

    private Task<Invoice> S1Async() => _h.QueryAsync(db => db.Invoices.SingleAsync(i => i.Number == "S-1"));

    [Fact]
    public async Task An_older_export_imported_after_a_newer_one_does_not_reopen_a_paid_invoice_and_says_so()
    {
        await ImportAsync("monday.csv", Saved, Row("S-1", paid: false), Row("S-2", paid: false));
        await ImportAsync("tuesday.csv", Saved.AddDays(1), Row("S-1", paid: true), Row("S-2", paid: false));

        // Monday's file again, with one byte changed (so it is not recognised as the same file).
        var stale = await ImportAsync("monday (copy).csv", Saved, Row("S-1", paid: false), Row("S-2", paid: false), Row("S-3", paid: false));

        var s1 = await S1Async();
        Assert.Equal((InvoiceStatus.Paid, 0m), (s1.Status, s1.AmountDue));
        Assert.Equal((1, 0), (stale.Created, stale.Updated)); // S-3 is new to the ledger: a new fact, taken
        var warning = Assert.Single(stale.Warnings, w => w.Contains("S-1", StringComparison.Ordinal));
        Assert.Equal("Invoice S-1 left as it was: this export (as of 20 Nov 2026 09:00 UTC) is older than the export that last set it, " +
                     "and older facts never overwrite newer ones", warning);
        // Nor can an older snapshot say what is missing now.
        Assert.Equal(0, stale.FlaggedMissing);
        // The chase thanks no one twice and chases nobody for S-1.
        await _h.ChaseAndDeliverAsync();
        Assert.DoesNotContain(_h.Platform.Sent, s => s.Content.Email?.Body.Contains("S-1", StringComparison.Ordinal) == true);
    }

    /// <summary>A QuickBooks Invoice List for a range ending on <paramref name="through"/>, with 1002's open balance.</summary>
    private async Task<ImportSummary> InvoiceListAsync(string name, string through, string balance1002, DateTime savedAt)
    {
        var text = $"""
            Craftwork Studio LLC,,,,,,,
            Invoice List,,,,,,,
            "September 1 - {through}",,,,,,,
            ,,,,,,,
            Date,Transaction type,Num,Name,Memo/Description,Due date,Amount,Open balance
            9/2/2026,Invoice,1001,Blue Ridge Outfitters,Website redesign,10/2/2026,"4,500.00","4,500.00"
            9/15/2026,Invoice,1002,Lakeside Dental,Monthly retainer,10/15/2026,"1,200.00",{balance1002}

            """;
        var path = _h.Db.WriteFile(name, text);
        File.SetLastWriteTimeUtc(path, savedAt);
        return await _h.Db.Importer(_h.Clock).ImportFileAsync(path, new ImportSettings());
    }

    [Fact]
    public async Task A_report_re_run_for_an_earlier_day_is_as_old_as_the_day_it_names_not_the_day_it_was_saved()
    {
        await InvoiceListAsync("invoices.csv", "November 21, 2026", "0.00", Saved.AddDays(1)); // 1002 paid by the 21st
        // Downloaded later, but for a range ending on 10 November, when 1002 was still owed.
        var earlier = await InvoiceListAsync("invoices (november 10).csv", "November 10, 2026", "\"1,200.00\"", Saved.AddDays(3));

        var lakeside = await _h.QueryAsync(db => db.Invoices.SingleAsync(i => i.Number == "1002"));
        Assert.Equal((InvoiceStatus.Paid, 0m), (lakeside.Status, lakeside.AmountDue));
        Assert.Contains("Invoice 1002 left as it was: this export (as of 10 Nov 2026) is older than the export that last set it, " +
                        "and older facts never overwrite newer ones", earlier.Warnings);
        Assert.Equal(new DateTime(2026, 11, 10, 23, 59, 59, DateTimeKind.Utc),
            await _h.QueryAsync(db => db.ImportRuns.Where(r => r.FileName == "invoices (november 10).csv").Select(r => r.AsOf).SingleAsync()));
    }

    [Theory]
    [InlineData("As of November 21, 2026", "2026-11-21T23:59:59")]
    [InlineData("September 1 - November 21, 2026", "2026-11-21T23:59:59")]
    [InlineData("Oct 1 – Nov 21, 2026", "2026-11-21T23:59:59")]
    [InlineData("Invoice Ninja v4.5.17 - Nov 21, 2026 10:02 am", "2026-11-21T10:02:00")]
    [InlineData("Invoice Ninja v4.5.17 - Nov 21, 2026 12:15 pm", "2026-11-21T12:15:00")]
    [InlineData("Craftwork Studio LLC", null)]
    [InlineData("As of the end of the month", null)]
    public void An_exports_own_date_is_read_from_the_lines_above_its_header(string line, string? expected)
    {
        var said = Core.Exports.Parsing.PreambleDate.Of(["Company", line]);
        Assert.Equal(expected, said?.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_newer_export_that_turns_paid_into_unpaid_holds_the_invoice_until_someone_reopens_it()
    {
        await ImportAsync("monday.csv", Saved, Row("S-1", paid: true), Row("S-2", paid: false));
        var tuesday = await ImportAsync("tuesday.csv", Saved.AddDays(1), Row("S-1", paid: false), Row("S-2", paid: false));

        Assert.Contains("Invoice S-1 was paid and is owing again in this export: held (nothing is chased) until someone confirms with /chase reopen S-1",
            tuesday.Warnings);
        var s1 = await S1Async();
        Assert.Equal((InvoiceStatus.Open, 1000m), (s1.Status, s1.AmountDue)); // the ledger says what the books say
        Assert.NotNull(s1.ReopenedAt);

        await _h.ChaseAndDeliverAsync();
        var warned = Assert.Single(_h.Platform.Sent, s => s.Message.Kind == "reopened").Content;
        Assert.Equal("Owing again: S-1 (Northwind Analytics) was paid, and the latest export shows USD 1,000.00 due", warned.Title);
        Assert.Contains("Nothing is sent to Northwind Analytics about it until you confirm it is owed: /chase reopen S-1", warned.Lines);
        var reminder = Assert.Single(_h.Platform.Sent, s => s.Message.Kind == "reminder").Content;
        Assert.DoesNotContain("S-1", reminder.Email!.Body); // S-2 is chased; S-1 waits
        Assert.Contains("S-2", reminder.Email.Body);

        // A second run says it once only.
        _h.Clock.Advance(TimeSpan.FromDays(1));
        await _h.ChaseAndDeliverAsync();
        Assert.Single(_h.Platform.Sent, s => s.Message.Kind == "reopened");

        Assert.Equal("Reopened: S-1 (Northwind Analytics) is owed again, USD 1,000.00. Chasing resumes with the next run.",
            await _h.SayAsync("reopen S-1", "UAPPROVER"));
        Assert.Null((await S1Async()).ReopenedAt);
        Assert.StartsWith("S-2 is not waiting to be reopened", await _h.SayAsync("reopen S-2", "UAPPROVER"));
        _h.Clock.Advance(TimeSpan.FromDays(7));
        await _h.ChaseAndDeliverAsync();
        Assert.Contains(_h.Platform.Sent, s => s.Message.Kind == "reminder" && s.Content.Email!.Body.Contains("S-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exports_saved_in_order_update_as_before()
    {
        await ImportAsync("monday.csv", Saved, Row("S-1", paid: false));
        var tuesday = await ImportAsync("tuesday.csv", Saved.AddDays(1), Row("S-1", paid: true));

        Assert.Equal(1, tuesday.Updated);
        Assert.Empty(tuesday.Warnings);
        var s1 = await S1Async();
        Assert.Equal((InvoiceStatus.Paid, Saved.AddDays(1)), (s1.Status, s1.FactsAsOf));
        var run = await _h.QueryAsync(db => db.ImportRuns.SingleAsync(r => r.Id == tuesday.RunId));
        Assert.Equal(Saved.AddDays(1), run.AsOf);
    }
}
