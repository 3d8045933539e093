using ChaseBot.Core.Chasing;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Ledger;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Guarantees;

/// <summary>
/// The replay's clients and what happens to them, each chosen to reach one of the promises: a client already 30 days late
/// whose first word from us is a reminder (Remind first) and who goes all the way to suspension and pays; one with no
/// clauses and an invoice that falls due mid-case, up to the hand-off; a dispute resolved; a client with no billing
/// address whose drafts nobody sends; a payment in full and a partial one; a void; a snooze by part of a name; and an
/// export imported out of order.
/// </summary>
public static class ClientCommitmentsScript
{
    public static readonly DateTime Saved = new(2027, 2, 24, 8, 0, 0, DateTimeKind.Utc);

    public static async Task<ClientCommitmentsReplay> RunAsync()
    {
        var r = await ClientCommitmentsReplay.StartAsync();
        var helios = await r.ClientAsync("Helios Solar Ltd", "ap@helios.example", c => c.Clauses = new ContractClauses { PermitsServiceChanges = true, OwnedUntilPaid = true });
        await r.InvoiceAsync(helios, "H-1", 30, 950m);
        r.Decide[("Helios Solar Ltd", ChaseLadder.LateNotice)] = Verdict.RemindFirst;
        var blueRidge = await r.ClientAsync("Blue Ridge Outfitters", "ap@blueridge.example");
        await r.InvoiceAsync(blueRidge, "B-1", 18, 4500m);
        await r.InvoiceAsync(blueRidge, "B-2", 10, 12750m);
        await r.InvoiceAsync(blueRidge, "B-3", -10, 2000m);
        await r.InvoiceAsync(await r.ClientAsync("Oakleaf Bakery", "orders@oakleaf.example"), "O-1", 5, 1350m, "EUR");
        await r.InvoiceAsync(await r.ClientAsync("Quill Stationers", null), "Q-1", 15, 800m);
        var tui = await r.ClientAsync("Tui Print & Design", "ap@tui.example");
        await r.InvoiceAsync(tui, "T-1", 10, 650m);
        await r.InvoiceAsync(tui, "T-2", 4, 3000m);
        await r.InvoiceAsync(await r.ClientAsync("Pine & Co Joinery", "pine@joinery.example"), "P-1", 25, 2000m, "EUR");
        await r.InvoiceAsync(await r.ClientAsync("Moana Surf School", "ap@moana.example"), "M-1", 2, 400m);

        r.Events[1] = x => x.SayAsync("snooze Moana 7");
        r.Events[2] = x => x.SayAsync("dispute O-1 the amount is wrong");
        r.Events[3] = x => ImportAsync(x, "northwind-monday.csv", Saved, paid: false);
        r.Events[4] = x => ImportAsync(x, "northwind-tuesday.csv", Saved.AddDays(1), paid: true);
        r.Events[5] = async x =>
        {
            await ImportAsync(x, "northwind-monday (copy).csv", Saved, paid: false, extra: "S-9");
            await x.SayAsync("paid T-1 650");
        };
        r.Events[9] = x => x.SayAsync("paid T-2 1000");
        r.Events[12] = x => x.H.QueryAsync(db => db.Invoices.Where(i => i.Number == "P-1").ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, InvoiceStatus.Void)));
        r.Events[15] = x => x.SayAsync("resolve O-1 credit note agreed");
        r.Events[50] = x => x.SayAsync("paid H-1");
        await r.RunAsync();
        return r;
    }

    private const string StripeHeader = "id,Number,Customer Name,Customer Email,Status,Currency,Amount Due,Amount Paid,Amount Remaining,Total,Date (UTC),Due Date (UTC)";

    private static string StripeRow(string number, bool paid) =>
        $"in_{number},{number},Northwind Analytics,ap@northwind.example,{(paid ? "paid" : "open")},gbp,1000.00,{(paid ? "1000.00" : "0.00")},{(paid ? "0.00" : "1000.00")},1000.00,2027-01-10 10:00:00,2027-02-09 10:00:00";

    /// <summary>A Stripe export saved at <paramref name="savedAt"/> (times relative to each other, never to a real clock).</summary>
    private static async Task ImportAsync(ClientCommitmentsReplay r, string name, DateTime savedAt, bool paid, string? extra = null)
    {
        var path = r.H.Db.WriteFile(name, StripeHeader + "\n" + StripeRow("S-1", paid) + "\n" + (extra is null ? "" : StripeRow(extra, paid: true) + "\n"));
        File.SetLastWriteTimeUtc(path, savedAt);
        var summary = await r.H.Db.Importer(r.H.Clock).ImportFileAsync(path, new ImportSettings());
        r.Imports.Add(summary);
    }
}
