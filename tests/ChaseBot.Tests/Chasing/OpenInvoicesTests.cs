using ChaseBot.Core.Chasing;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Chasing;

/// <summary>Planning's chunk of open invoices read stepped through SQLitePCLRaw is what EF reads, field by field.</summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class OpenInvoicesTests : IDisposable
{
    private readonly ChaseHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static string Line(Invoice i) =>
        $"{i.Id} {i.ClientId} {i.Source} {i.Number} {i.Currency} {i.Total} {i.AmountDue} {i.IssueDate} {i.DueDate} {i.Status} " +
        $"{i.SnoozedUntil} {i.MissingSince:O} {i.MissingSince?.Kind} {i.PaymentLink} {i.ReopenedAt:O} {i.ReopenedAt?.Kind}";

    [Fact]
    public async Task A_chunk_of_clients_reads_the_same_either_way_and_only_its_outstanding_invoices()
    {
        var kauri = await _h.ClientAsync("Kauri Digital Ltd");
        var tui = await _h.ClientAsync("Tūī Bakery");
        var outside = await _h.ClientAsync("Outside The Chunk");
        await _h.InvoiceAsync(kauri, "INV-0101", 40, 4600.55m, i => (i.Currency, i.IssueDate, i.PaymentLink) = ("NZD", null, "https://pay.example/0101"));
        await _h.InvoiceAsync(kauri, "INV-0102", 10, 1200m, i => (i.Status, i.AmountDue, i.SnoozedUntil) = (InvoiceStatus.PartiallyPaid, 1000.01m, _h.Today.AddDays(3)));
        await _h.InvoiceAsync(tui, "T-1", -5, 75.5m, i => (i.MissingSince, i.ReopenedAt) = (new DateTime(2026, 11, 20, 8, 30, 15, 123, DateTimeKind.Utc),
            new DateTime(2026, 11, 21, 9, 0, 0, DateTimeKind.Utc)));
        await _h.InvoiceAsync(tui, "T-2", 95, 10m, i => i.Source = "stripe");
        await _h.InvoiceAsync(tui, "T-3", 20, 999m, i => (i.Status, i.AmountDue) = (InvoiceStatus.Paid, 0m));
        await _h.InvoiceAsync(tui, "T-4", 20, 999m, i => i.Status = InvoiceStatus.Void);
        await _h.InvoiceAsync(outside, "O-1", 20, 50m);

        await using var db = _h.Db.Open();
        var (lo, hi) = (Math.Min(kauri.Id, tui.Id), Math.Max(kauri.Id, tui.Id));
        var (steppedInvoices, wasStepped) = await OpenInvoices.ReadAsync(db, lo, hi, CancellationToken.None);
        var (efInvoices, efStepped) = await OpenInvoices.ReadAsync(db, lo, hi, CancellationToken.None, step: false);
        var (stepped, throughEf) = (steppedInvoices.Select(Line).Order().ToList(), efInvoices.Select(Line).Order().ToList());

        // On SQLite the first really was stepped (on PostgreSQL both are EF's).
        Assert.Equal(db.Database.GetDbConnection() is Microsoft.Data.Sqlite.SqliteConnection, wasStepped);
        Assert.False(efStepped);
        Assert.True(throughEf.SequenceEqual(stepped), string.Join("\n", throughEf) + "\n---\n" + string.Join("\n", stepped));
        Assert.Equal(["INV-0101", "INV-0102", "T-1", "T-2"], stepped.Select(l => l.Split(' ')[3]).Order(StringComparer.Ordinal));
        Assert.Contains(stepped, l => l.Contains("2026-11-20T08:30:15.1230000Z Utc") && l.Contains("2026-11-21T09:00:00.0000000Z Utc"));
    }
}
