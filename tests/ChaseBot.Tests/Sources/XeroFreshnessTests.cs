using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Sources.Connections;
using ChaseBot.Core.Sources.Xero;
using ChaseBot.Tests.Chasing;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Sources;

/// <summary>"Never chase a paid invoice" with Xero's books: the invoices an email names are read again from Xero, by id, just before it goes.</summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class XeroFreshnessTests : IAsyncLifetime
{
    private FakeXero _xero = null!;
    private ChaseHarness _h = null!;

    public async Task InitializeAsync()
    {
        _xero = await FakeXero.StartAsync(TimeProvider.System);
        _h = new ChaseHarness(configuration: new Dictionary<string, string?>(_xero.Settings())
        {
            ["Email:Host"] = "127.0.0.1", ["Email:From"] = "accounts@studio.example", ["Email:SendReminders"] = "true",
        });
        _xero.Clock = _h.Clock;
        await BooksConsent.ConnectAsync(_h.Get<OAuthConnections>());
    }

    public async Task DisposeAsync()
    {
        _h.Dispose();
        await _xero.DisposeAsync();
    }

    [Fact]
    public async Task A_payment_in_Xero_between_the_plan_and_the_send_means_no_email_goes()
    {
        var invoice = _xero.Invoice("INV-0420", 1200m, daysOverdue: 10);
        await _h.Get<XeroSource>().SyncAsync("test");
        await _h.Runner.RunAsync(); // the morning's plan: a reminder, emailed at the next allowed hour
        Assert.Equal(1, await _h.QueryAsync(db => db.Outbox.CountAsync(m => m.Kind == OutboxKinds.Email)));
        var email = ChatMessage.FromJson(await _h.QueryAsync(db => db.Outbox.Where(m => m.Kind == OutboxKinds.Email).Select(m => m.Body).SingleAsync()));
        Assert.Contains("Pay invoice INV-0420 online: https://in.xero.example/", email.Email!.Body); // how to pay: Xero's online invoice

        _xero.Change(invoice, i => i["AmountPaid"] = 1200m); // paid in Xero; no webhook, no sync yet
        _h.Clock.Advance(TimeSpan.FromMinutes(5));
        await _h.Drainer.DrainAsync();

        Assert.DoesNotContain(_h.Platform.Sent, s => new ChatTarget(s.Message.Target).Platform == TargetPlatform.Email);
        Assert.Contains(_xero.Calls, c => c.Contains($"IDs={invoice["InvoiceID"]}", StringComparison.Ordinal)); // read again, by id, at the moment of sending
        var row = await _h.QueryAsync(db => db.Outbox.SingleAsync(m => m.Kind == OutboxKinds.Email));
        Assert.Equal("withdrawn before it was sent: INV-0420 was paid in full on 23 Nov 2026", row.LastError);
        Assert.Equal(InvoiceStatus.Paid, await _h.QueryAsync(db => db.Invoices.Select(i => i.Status).SingleAsync()));
    }

    [Fact]
    public async Task While_Xero_refuses_the_connection_its_clients_are_sent_nothing()
    {
        _xero.Invoice("INV-0421", 800m, daysOverdue: 10);
        await _h.Get<XeroSource>().SyncAsync("test");
        await _h.Runner.RunAsync();
        _xero.RevokeAll();
        _h.Clock.Advance(TimeSpan.FromMinutes(40)); // the access token has expired too: the refresh is refused

        await _h.Drainer.DrainAsync();

        Assert.DoesNotContain(_h.Platform.Sent, s => new ChatTarget(s.Message.Target).Platform == TargetPlatform.Email);
        var row = await _h.QueryAsync(db => db.Outbox.SingleAsync(m => m.Kind == OutboxKinds.Email));
        Assert.Equal("held: Xero could not be read to check INV-0421 before sending; tried again at the next sync", row.LastError);
        Assert.Null(row.DeliveredAt);
        Assert.Null(row.DeadLetteredAt); // held, not dropped: it goes once Xero can be read again and still says the same
    }
}
