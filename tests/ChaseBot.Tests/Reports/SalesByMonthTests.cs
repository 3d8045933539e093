using ChaseBot.Core.Ledger;
using ChaseBot.Core.Reports;
using ChaseBot.Tests.Chasing;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Reports;

/// <summary>The sales DSO divides by, read stepped through SQLitePCLRaw, are the ones EF reads, month by month and to the cent.</summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class SalesByMonthTests : IDisposable
{
    private readonly ChaseHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Sales_by_currency_and_month_are_the_same_read_either_way_and_add_up_by_hand()
    {
        var kauri = await _h.ClientAsync("Kauri Digital Ltd");
        var today = _h.Today; // Monday 23 November 2026
        var n = 0;
        async Task Sale(DateOnly? issued, DateOnly due, decimal total, string currency = "NZD", InvoiceStatus status = InvoiceStatus.Paid) =>
            await _h.InvoiceAsync(kauri, $"S-{++n:D3}", 0, total, i => (i.IssueDate, i.DueDate, i.Currency, i.Status) = (issued, due, currency, status));
        await Sale(new(2026, 11, 1), new(2026, 12, 1), 100.01m);
        await Sale(new(2026, 11, 23), new(2026, 12, 23), 0.99m, status: InvoiceStatus.Open);
        await Sale(new(2026, 11, 24), new(2026, 12, 24), 5_000m); // after the day asked about
        await Sale(null, new(2026, 10, 31), 12_345_678.90m); // no issue date: its due date counts
        await Sale(new(2026, 10, 15), new(2026, 11, 15), 1m, "EUR");
        await Sale(new(2026, 10, 16), new(2026, 11, 16), 2m, "NZD", InvoiceStatus.Void);
        await Sale(new(2026, 10, 17), new(2026, 11, 17), 3m, "NZD", InvoiceStatus.Draft);
        await Sale(new(2024, 10, 31), new(2024, 11, 30), 7m); // before the first month
        await Sale(new(2024, 11, 1), new(2024, 12, 1), 8m);

        await using var db = _h.Db.Open();
        var from = new DateOnly(2024, 11, 1);
        var stepped = await SalesByMonth.ReadAsync(db, from, today, CancellationToken.None);
        var throughEf = await SalesByMonth.ReadAsync(db, from, today, CancellationToken.None, step: false);

        Assert.Equal(db.Database.GetDbConnection() is Microsoft.Data.Sqlite.SqliteConnection, stepped.Stepped);
        Assert.False(throughEf.Stepped);
        (string Currency, DateOnly Month, decimal Sales)[] expected =
        [
            ("NZD", new(2026, 11, 1), 101.00m), ("NZD", new(2026, 10, 1), 12_345_678.90m), ("EUR", new(2026, 10, 1), 1m),
            ("NZD", new(2024, 11, 1), 8m), ("NZD", new(2024, 10, 1), 0m), ("EUR", new(2026, 11, 1), 0m), ("USD", new(2026, 11, 1), 0m),
        ];
        foreach (var (currency, month, sales) in expected)
        {
            Assert.Equal(sales, stepped.In(currency, month));
            Assert.Equal(sales, throughEf.In(currency, month));
        }
    }
}
