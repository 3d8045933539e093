using ChaseBot.Core.Ledger;
using ChaseBot.Core.Reports;
using ChaseBot.Tests.Chasing;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Reports;

/// <summary>The whole-ledger totals read stepped through SQLitePCLRaw are the ones EF reads, to the cent and bucket.</summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class OutstandingTotalsTests : IDisposable
{
    private readonly ChaseHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Totals_by_currency_and_age_are_the_same_read_either_way_and_add_up_by_hand()
    {
        var kauri = await _h.ClientAsync("Kauri Digital Ltd");
        var tui = await _h.ClientAsync("Tūī Bakery");
        // Every bucket's edge, amounts with odd cents and large ones, three currencies interleaved, settled ones left out.
        (Client Client, int DaysLate, decimal Amount, string Currency)[] lines =
        [
            (kauri, -3, 100.01m, "NZD"), (kauri, 0, 0.99m, "NZD"), (tui, 1, 12_345_678.90m, "EUR"), (kauri, 30, 30m, "NZD"),
            (tui, 31, 31.31m, "GBP"), (kauri, 60, 60.6m, "EUR"), (tui, 61, 61m, "NZD"), (kauri, 90, 90.09m, "GBP"),
            (tui, 91, 0.01m, "NZD"), (kauri, 400, 999_999.99m, "EUR"),
        ];
        var n = 0;
        foreach (var (client, days, amount, currency) in lines)
            await _h.InvoiceAsync(client, $"INV-{++n:D3}", days, amount, i => i.Currency = currency);
        await _h.InvoiceAsync(kauri, "PAID-1", 45, 500m, i => (i.Status, i.AmountPaid, i.AmountDue) = (InvoiceStatus.Paid, 500m, 0m));
        await _h.InvoiceAsync(tui, "PART-1", 45, 500m, i => (i.Currency, i.Status, i.AmountPaid, i.AmountDue) = ("NZD", InvoiceStatus.PartiallyPaid, 200m, 300m));

        await using var db = _h.Db.Open();
        var stepped = await OutstandingTotals.ReadAsync(db, _h.Today, CancellationToken.None);
        var throughEf = await OutstandingTotals.ReadAsync(db, _h.Today, CancellationToken.None, step: false);

        // On SQLite the first really was stepped (on PostgreSQL both are EF's).
        Assert.Equal(db.Database.GetDbConnection() is Microsoft.Data.Sqlite.SqliteConnection, stepped.Stepped);
        Assert.False(throughEf.Stepped);
        Assert.Equal(throughEf.Totals(), stepped.Totals());
        Assert.Equal(11, stepped.Count);
        Assert.Equal(
        [
            new CurrencyTotals("EUR", 3, 13_345_739.49m, 0m, 12_345_678.90m, 60.6m, 0m, 999_999.99m),
            new CurrencyTotals("GBP", 2, 121.40m, 0m, 0m, 31.31m, 90.09m, 0m),
            new CurrencyTotals("NZD", 6, 492.01m, 101.00m, 30m, 300m, 61m, 0.01m),
        ], stepped.Totals());
    }
}
