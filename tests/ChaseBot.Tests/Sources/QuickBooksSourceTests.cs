using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Sources;
using ChaseBot.Core.Sources.Connections;
using ChaseBot.Core.Sources.QuickBooks;
using ChaseBot.Tests.Chasing;
using ChaseBot.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Sources;

/// <summary>
/// QuickBooks Online connected and synced against a fake of Intuit's consent page, token endpoint and Accounting API
/// on 127.0.0.1 (<see cref="FakeQuickBooks"/>): the realm from the callback, a first query page by page, then Change
/// Data Capture with payments, credit, voids and deletions; past its 30 days, a full query again; tokens that expire,
/// rotate and are revoked; a payment between the plan and the send; a sync cut short.
/// </summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class QuickBooksSourceTests : IAsyncLifetime
{
    private FakeQuickBooks _qb = null!;
    private ChaseHarness _h = null!;

    public async Task InitializeAsync()
    {
        _qb = await FakeQuickBooks.StartAsync(TimeProvider.System);
        _h = new ChaseHarness(configuration: new Dictionary<string, string?>(_qb.Settings())
        {
            ["Email:Host"] = "127.0.0.1", ["Email:From"] = "accounts@studio.example", ["Email:SendReminders"] = "true",
        });
        _qb.Clock = _h.Clock;
    }

    public async Task DisposeAsync()
    {
        _h.Dispose();
        await _qb.DisposeAsync();
    }

    private OAuthConnections Connections => _h.Get<OAuthConnections>();
    private QuickBooksSource Source => _h.Get<QuickBooksSource>();
    private Task<ConnectionState> ConnectAsync() => BooksConsent.ConnectAsync(Connections, source: "quickbooks");

    private Task<Dictionary<string, Invoice>> LedgerAsync() =>
        _h.QueryAsync(db => db.Invoices.Include(i => i.Client).ToDictionaryAsync(i => i.Number));

    [Fact]
    public async Task Connecting_stores_the_company_the_callback_names_with_its_tokens_encrypted()
    {
        var link = await Connections.StartAsync("quickbooks", "slack:alice");
        var consent = await Connections.ConsentPageAsync("quickbooks", QueryHelpers.ParseQuery(link.Link.Query)["state"], default);
        Assert.Equal("com.intuit.quickbooks.accounting", QueryHelpers.ParseQuery(consent.Query)["scope"].ToString());

        var connected = await Connections.CompleteAsync("quickbooks", await BooksConsent.ConsentAsync(consent), default);

        Assert.Equal((FakeQuickBooks.Realm, FakeQuickBooks.CompanyName), (connected.Tenant, connected.TenantName));
        var row = await _h.QueryAsync(db => db.SourceConnections.SingleAsync());
        Assert.DoesNotContain(_qb.CurrentRefreshToken!, row.RefreshToken);
        Assert.Equal(_h.Clock.GetUtcNow().UtcDateTime.AddHours(1), row.AccessExpiresAt);
        Assert.Equal(_h.Clock.GetUtcNow().UtcDateTime.AddSeconds(8_640_000), row.RefreshExpiresAt); // 100 days, rolling
        Assert.True(Source.Configured);
    }

    [Fact]
    public async Task The_first_sync_queries_every_invoice_a_thousand_at_a_time()
    {
        await ConnectAsync();
        for (var n = 1; n <= 2050; n++)
            _qb.Invoice($"{1000 + n}", 100m + n, daysOverdue: -10);
        _qb.Invoice("PAID-1", 500m, balance: 0);
        _qb.Invoice("PART-1", 800m, balance: 300m);
        _qb.Void(_qb.Invoice("VOID-1", 700m));
        var eur = _qb.Invoice("EUR-1", 1500.50m, currency: "EUR", customer: "Brasserie Lumière", email: "compta@lumiere.example");
        eur["BillEmailCc"] = new System.Text.Json.Nodes.JsonObject { ["Address"] = "direction@lumiere.example" };

        var summary = await Source.SyncAsync("test");

        Assert.Equal((ImportOutcome.Imported, 2054, 0), (summary.Outcome, summary.Created, summary.RejectedCount));
        Assert.Equal(3, _qb.Calls.Count(c => c.Contains("STARTPOSITION", StringComparison.Ordinal)));
        var ledger = await LedgerAsync();
        Assert.Equal(InvoiceStatus.Paid, ledger["PAID-1"].Status);
        Assert.Equal((InvoiceStatus.PartiallyPaid, 500m, 300m), (ledger["PART-1"].Status, ledger["PART-1"].AmountPaid, ledger["PART-1"].AmountDue));
        Assert.Equal(InvoiceStatus.Void, ledger["VOID-1"].Status);
        Assert.Equal(("EUR", "Brasserie Lumière", "compta@lumiere.example", "direction@lumiere.example"),
            (ledger["EUR-1"].Currency, ledger["EUR-1"].Client.Name, ledger["EUR-1"].Client.BillingEmail, ledger["EUR-1"].Client.CcAddresses));
        Assert.StartsWith("https://connect.intuit.example/t/scs-v1-", ledger["PART-1"].PaymentLink);
        Assert.Equal(FactsMode.Snapshot, (await _h.QueryAsync(db => db.ImportRuns.OrderBy(r => r.Id).LastAsync())).Mode);
    }

    [Fact]
    public async Task Later_syncs_read_Change_Data_Capture_payments_voids_and_deletions()
    {
        await ConnectAsync();
        var paid = _qb.Invoice("1001", 1200m);
        var partly = _qb.Invoice("1002", 1000m);
        var voided = _qb.Invoice("1003", 600m);
        var deleted = _qb.Invoice("1004", 400m);
        _qb.Invoice("1005", 300m);
        await Source.SyncAsync("test");

        _h.Clock.Advance(TimeSpan.FromMinutes(20));
        _qb.Pay(paid, 1200m);
        _qb.Pay(partly, 250m);
        _qb.Void(voided);
        _qb.Delete(deleted);
        var summary = await Source.SyncAsync("test");

        Assert.Equal((4, 0), (summary.Updated, summary.FlaggedMissing)); // 1005 unchanged and not missing
        Assert.Contains(_qb.Calls, c => c.Contains("/cdc?entities=Invoice%2CPayment%2CCreditMemo", StringComparison.Ordinal) ||
                                        c.Contains("/cdc?entities=Invoice,Payment,CreditMemo", StringComparison.Ordinal));
        var ledger = await LedgerAsync();
        Assert.Equal(InvoiceStatus.Paid, ledger["1001"].Status);
        Assert.Equal((InvoiceStatus.PartiallyPaid, 750m), (ledger["1002"].Status, ledger["1002"].AmountDue));
        Assert.Equal(InvoiceStatus.Void, ledger["1003"].Status);
        Assert.Equal((InvoiceStatus.Void, 0m), (ledger["1004"].Status, ledger["1004"].AmountDue));
        Assert.Equal(InvoiceStatus.Open, ledger["1005"].Status);
        Assert.Equal(FactsMode.Changes, (await _h.QueryAsync(db => db.ImportRuns.OrderBy(r => r.Id).LastAsync())).Mode);
    }

    [Fact]
    public async Task Past_the_30_days_Change_Data_Capture_keeps_every_invoice_is_queried_again()
    {
        await ConnectAsync();
        var gone = _qb.Invoice("1001", 1200m);
        _qb.Invoice("1002", 800m);
        await Source.SyncAsync("test");
        _h.Clock.Advance(TimeSpan.FromDays(31));
        await BooksConsent.ConnectAsync(Connections, source: "quickbooks"); // the access token is long expired; reconnected
        _qb.Delete(gone);

        var summary = await Source.SyncAsync("test");

        Assert.Equal(ImportOutcome.Imported, summary.Outcome);
        Assert.Equal(1, summary.FlaggedMissing); // a full query again: what it no longer lists is flagged, never assumed paid
        Assert.DoesNotContain(_qb.Calls, c => c.Contains("/cdc", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_hour_later_the_access_token_is_refreshed_and_a_revoked_one_is_said_once_with_a_reconnect_link()
    {
        await ConnectAsync();
        _qb.Invoice("1001", 1200m);
        await Source.SyncAsync("test");
        _h.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(ImportOutcome.Imported, (await Source.SyncAsync("test")).Outcome);
        Assert.Equal(1, _qb.Refreshes);

        _qb.RevokeAll();
        _h.Clock.Advance(TimeSpan.FromMinutes(61));
        await _h.Get<ConnectedSources>().SyncAsync("test", "quickbooks", default);
        await _h.Get<ConnectedSources>().SyncAsync("test", "quickbooks", default);

        var message = ChatMessage.FromJson(Assert.Single(await _h.QueryAsync(db => db.Outbox.Where(m => m.Kind == OutboxKinds.SourceRefused).ToListAsync())).Body);
        Assert.Equal("QuickBooks disconnected ChaseBot", message.Title);
        Assert.StartsWith("Reconnect QuickBooks: https://chasebot.example/connect/quickbooks?state=", message.Lines[1]);
    }

    [Fact]
    public async Task A_payment_in_QuickBooks_between_the_plan_and_the_send_means_no_email_goes()
    {
        await ConnectAsync();
        var invoice = _qb.Invoice("1042", 1200m, daysOverdue: 10);
        await Source.SyncAsync("test");
        await _h.Runner.RunAsync();
        Assert.Equal(1, await _h.QueryAsync(db => db.Outbox.CountAsync(m => m.Kind == OutboxKinds.Email)));

        _qb.Pay(invoice, 1200m);
        _h.Clock.Advance(TimeSpan.FromMinutes(5));
        await _h.Drainer.DrainAsync();

        Assert.DoesNotContain(_h.Platform.Sent, s => new ChatTarget(s.Message.Target).Platform == TargetPlatform.Email);
        Assert.Contains(_qb.Calls, c => c.Contains("where%20Id%20in", StringComparison.Ordinal)); // read again, by id, at the moment of sending
        var row = await _h.QueryAsync(db => db.Outbox.SingleAsync(m => m.Kind == OutboxKinds.Email));
        Assert.Equal("withdrawn before it was sent: 1042 was paid in full on 23 Nov 2026", row.LastError);
    }

    [Fact]
    public async Task A_sync_cut_short_writes_nothing_and_the_next_one_writes_everything_once_after_a_429_waited_out()
    {
        await ConnectAsync();
        for (var n = 1; n <= 1500; n++)
            _qb.Invoice($"{n}", 100m + n);
        _qb.FailNext(0, 500); // the second page fails

        var broken = (await _h.Get<ConnectedSources>().SyncAsync("test", "quickbooks", default)).Single();
        Assert.Equal("QuickBooks answered 500 to query; the next sync tries again", broken.Problem);
        Assert.Equal(0, await _h.QueryAsync(db => db.Invoices.CountAsync()));

        _qb.FailNext(429); // Intuit's throttle: waited out, then the page read again
        var summary = await Source.SyncAsync("test");
        Assert.Equal(1500, summary.Created);
        Assert.Equal(1500, await _h.QueryAsync(db => db.Invoices.CountAsync()));
    }

    [Fact]
    public async Task Disconnecting_revokes_the_token_with_Intuit_as_JSON()
    {
        await ConnectAsync();
        Assert.StartsWith("QuickBooks disconnected", await _h.SayAsync("disconnect quickbooks", "alice"));
        Assert.Contains("revoke", _qb.Calls);
        Assert.Null(_qb.CurrentRefreshToken);
    }
}
