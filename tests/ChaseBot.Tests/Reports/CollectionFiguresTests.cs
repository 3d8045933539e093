using Microsoft.EntityFrameworkCore;
using System.Text.Json;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Reports;
using ChaseBot.Tests.Chasing;
using ChaseBot.Tests.Support;
using static ChaseBot.Core.Reports.CollectionFigures;

namespace ChaseBot.Tests.Reports;

/// <summary>The figures reproduce docs/figures.md's worked examples, and read the ledger as it is.</summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class CollectionFiguresTests
{
    private static readonly DateOnly AsOf = new(2026, 12, 7);

    [Fact]
    public void Dso_by_countback_reproduces_the_worked_example()
    {
        // Owed 10,000.00; sales 2,000.00 from 1 to 7 December, 6,000.00 in November, 4,000.00 in October.
        var months = Months(AsOf, 2).ToList();
        var periods = new[] { 2_000m, 6_000m, 4_000m }.Select((sales, i) => new SalesPeriod(months[i].From, months[i].To, sales));

        Assert.Equal([(new DateOnly(2026, 12, 1), AsOf), (new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30)), (new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31))], months);
        Assert.Equal(52.5m, Countback(10_000m, periods)); // 7 + 30 days, and half of October's 31
    }

    [Fact]
    public void Dso_is_not_known_when_the_sales_counted_back_never_cover_what_is_owed_and_is_0_when_nothing_is()
    {
        var period = new SalesPeriod(new DateOnly(2026, 12, 1), AsOf, 100m);

        Assert.Null(Countback(1_000m, [period]));
        Assert.Equal(0m, Countback(0m, [period]));
    }

    [Fact]
    public void Cei_reproduces_the_worked_example_and_matches_the_textbook_formula()
    {
        // Beginning receivables 10,000.00, sales 5,000.00, ending receivables 9,000.00 of which 3,000.00 not yet due.
        var collections = 10_000m + 5_000m - 9_000m;
        var textbook = (10_000m + 5_000m - 9_000m) / (10_000m + 5_000m - 3_000m) * 100;

        Assert.Equal(50.0m, EffectivenessIndex(collections, overdueAtEnd: 9_000m - 3_000m));
        Assert.Equal(textbook, EffectivenessIndex(collections, 6_000m));
        Assert.Null(EffectivenessIndex(0m, 0m));
    }

    [Fact]
    public void A_clients_record_reproduces_the_worked_example()
    {
        var record = Record("Kauri Digital Ltd", [0, 12, 30, 0]);

        Assert.Equal(new ClientRecord("Kauri Digital Ltd", 10.5m, 0.5m, 4), record);
        Assert.Equal("Kauri Digital Ltd: 11 days late on average, 2 of 4 paid invoices on time", FiguresText.Record(record)); // whole days in words
    }

    [Fact]
    public async Task The_figures_read_the_ledger_per_currency_with_payments_promises_and_paid_invoices()
    {
        using var h = new ChaseHarness(now: "2026-12-07T10:00:00Z");
        var kauri = await h.ClientAsync("Kauri Digital Ltd");
        var hart = await h.ClientAsync("Hart & Sons");
        // USD owed: 1,000.00 overdue (due 10 days ago), 3,000.00 not yet due; sales: both issued in November.
        var late = await h.InvoiceAsync(kauri, "K-1", 10, 1_000m, i => i.IssueDate = new DateOnly(2026, 11, 1));
        await h.InvoiceAsync(hart, "H-1", -5, 3_000m, i => i.IssueDate = new DateOnly(2026, 11, 20));
        // Paid in the last 30 days: K-2 (due 20 Nov, paid 2 Dec: 12 days late) and H-2 (paid on its due day).
        var k2 = await h.InvoiceAsync(kauri, "K-2", 17, 500m, Paid(new DateOnly(2026, 10, 20)));
        var h2 = await h.InvoiceAsync(hart, "H-2", 3, 250m, Paid(new DateOnly(2026, 10, 25)));
        await h.QueryAsync(async db =>
        {
            db.Payments.Add(Payment(k2.Id, 500m, new DateOnly(2026, 12, 2)));
            db.Payments.Add(Payment(h2.Id, 250m, h2.DueDate));
            db.PaymentPromises.Add(new PaymentPromise { InvoiceId = late.Id, PromisedFor = AsOf.AddDays(-3), RecordedBy = "slack:U1", Kept = false });
            db.PaymentPromises.Add(new PaymentPromise { InvoiceId = k2.Id, PromisedFor = AsOf.AddDays(-6), RecordedBy = "slack:U1", Kept = true });
            db.PaymentPromises.Add(new PaymentPromise { InvoiceId = k2.Id, PromisedFor = AsOf.AddDays(-9), RecordedBy = "slack:U1", Kept = true });
            return await db.SaveChangesAsync();
        });

        var figures = await h.QueryAsync(db => RunAsync(db, AsOf, CancellationToken.None));

        var usd = Assert.Single(figures.Currencies);
        Assert.Equal(("USD", 4_000m, 1_000m, 0.25m), (usd.Currency, usd.Receivables, usd.Overdue, usd.OverdueShare));
        Assert.Equal((3_000m, 1_000m), (usd.Buckets.Current, usd.Buckets.Days1To30));
        // Countback: no sales in December; November's 4,000.00 of sales (K-1, H-1) cover the 4,000.00 owed: 7 + 30 days.
        Assert.Equal(37m, usd.Dso);
        // Collected 750.00 in the last 30 days, 1,000.00 overdue now: 750 / 1,750.
        Assert.Equal(42.9m, usd.Cei);
        Assert.Equal((2, 1), (figures.PromisesKept, figures.PromisesBroken));
        Assert.Equal([new ClientRecord("Kauri Digital Ltd", 12m, 0m, 1), new ClientRecord("Hart & Sons", 0m, 1m, 1)], figures.Clients);
    }

    [Fact]
    public async Task A_proposal_card_names_the_clients_record_so_the_approver_decides_knowing_it()
    {
        using var h = new ChaseHarness(now: "2026-12-07T10:00:00Z");
        var kauri = await h.ClientAsync("Kauri Digital Ltd");
        var late = await h.InvoiceAsync(kauri, "K-1", 25, 2_000m);
        var earlier = await h.InvoiceAsync(kauri, "K-0", 60, 500m, Paid(new DateOnly(2026, 9, 1)));
        await h.QueryAsync(async db =>
        {
            db.Payments.Add(Payment(earlier.Id, 500m, earlier.DueDate.AddDays(12)));
            db.PaymentPromises.Add(new PaymentPromise { InvoiceId = earlier.Id, PromisedFor = earlier.DueDate.AddDays(5), RecordedBy = "slack:U1", Kept = false });
            db.PaymentPromises.Add(new PaymentPromise { InvoiceId = earlier.Id, PromisedFor = earlier.DueDate.AddDays(12), RecordedBy = "slack:U1", Kept = true });
            db.PaymentPromises.Add(new PaymentPromise { InvoiceId = late.Id, PromisedFor = AsOf.AddDays(20), RecordedBy = "slack:U1" }); // still standing
            return await db.SaveChangesAsync();
        });
        await h.QueryAsync(db => db.PaymentPromises.Where(p => p.Kept == null).ExecuteDeleteAsync()); // nothing holds the chase back

        await h.ChaseAndDeliverAsync();

        var card = h.Platform.Sent.Single(s => s.Message.Kind == "proposal").Content;
        Assert.Contains("Kauri Digital Ltd's record: usually pays 12 days late (one paid invoice); 1 of 2 promises kept.", card.Lines);
    }

    [Fact]
    public async Task Cei_is_not_known_while_the_ledger_is_younger_than_its_30_days()
    {
        using var h = new ChaseHarness(now: "2026-12-07T10:00:00Z");
        await h.InvoiceAsync(await h.ClientAsync("Kauri Digital Ltd"), "K-1", 10, 1_000m, i => i.CreatedAt = new DateTime(2026, 12, 2, 9, 0, 0, DateTimeKind.Utc));

        var figures = await h.QueryAsync(db => RunAsync(db, AsOf, CancellationToken.None));

        Assert.Null(Assert.Single(figures.Currencies).Cei); // 0% would blame the client for payments made before ChaseBot could see them
        Assert.Contains(FiguresText.Lines(figures), l => l.Contains("CEI not known yet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Report_json_has_the_documented_shape()
    {
        using var h = new ChaseHarness(now: "2026-12-07T10:00:00Z");
        await h.InvoiceAsync(await h.ClientAsync("Kauri Digital Ltd"), "K-1", 10, 1_000m);
        var figures = await h.QueryAsync(db => RunAsync(db, AsOf, CancellationToken.None));

        using var json = JsonDocument.Parse(ChaseBot.Worker.CommandLine.ReportVerb.Json(figures));

        var root = json.RootElement;
        Assert.Equal(["asOf", "currencies", "promises", "clients"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2026-12-07", root.GetProperty("asOf").GetString());
        var usd = root.GetProperty("currencies")[0];
        Assert.Equal(["currency", "receivables", "overdue", "overdueShare", "dso", "cei", "buckets"], usd.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["current", "d1_30", "d31_60", "d61_90", "d90plus"], usd.GetProperty("buckets").EnumerateObject().Select(p => p.Name));
        Assert.Equal(1_000m, usd.GetProperty("buckets").GetProperty("d1_30").GetDecimal());
        Assert.Equal(["kept", "broken"], root.GetProperty("promises").EnumerateObject().Select(p => p.Name));
    }

    private static Action<Invoice> Paid(DateOnly issued) => i =>
        (i.IssueDate, i.AmountPaid, i.AmountDue, i.Status) = (issued, i.Total, 0, InvoiceStatus.Paid);

    private static Payment Payment(long invoiceId, decimal amount, DateOnly on) => new()
    {
        InvoiceId = invoiceId, Amount = amount, Currency = "USD", PaidOn = on, RecordedBy = "test", RecordedAt = DateTime.UnixEpoch,
    };
}
