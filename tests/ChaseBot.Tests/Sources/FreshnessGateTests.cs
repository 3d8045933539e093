using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Sources.Stripe;
using ChaseBot.Tests.Chasing;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Tests.Sources;

/// <summary>
/// The check before every client email (issue 28, "never chase a paid invoice"): a payment that arrives between the
/// morning's plan and the send, in the books (Stripe, read again at that moment) or logged in chat, means no email goes,
/// and the chat message that announced it says why; a Stripe that cannot be read holds the email until it can.
/// </summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class FreshnessGateTests : IAsyncLifetime
{
    private FakeStripe _stripe = null!;
    private ChaseHarness _h = null!;

    public async Task InitializeAsync()
    {
        var clock = Clocks.At("2026-11-23T10:00:00Z");
        _stripe = await FakeStripe.StartAsync(clock);
        _h = new ChaseHarness(configuration: new Dictionary<string, string?>
        {
            ["Email:Host"] = "127.0.0.1", ["Email:From"] = "accounts@studio.example", ["Email:SendReminders"] = "true",
            ["Sources:Stripe:ApiKey"] = FakeStripe.Key, ["Sources:Stripe:ApiBaseUrl"] = _stripe.BaseUrl,
            ["Sources:Stripe:WebhookSecret"] = "whsec_gate",
        });
        _h.Clock.SetUtcNow(clock.GetUtcNow());
    }

    public async Task DisposeAsync()
    {
        _h.Dispose();
        await _stripe.DisposeAsync();
    }

    private List<ChatMessage> EmailsSent() =>
        [.. _h.Platform.Sent.Where(s => new ChatTarget(s.Message.Target).Platform == TargetPlatform.Email).Select(s => s.Content)];

    private async Task<OutboxMessage> EmailRowAsync() => await _h.QueryAsync(db => db.Outbox.SingleAsync(m => m.Kind == OutboxKinds.Email));

    /// <summary>The channel's reminder as it now reads (its row is rewritten, and a posted one updated in place).</summary>
    private async Task<ChatMessage> ReminderAsync() =>
        ChatMessage.FromJson(await _h.QueryAsync(db => db.Outbox.Where(m => m.Kind == OutboxKinds.Reminder).Select(m => m.Body).SingleAsync()));

    /// <summary>An invoice 10 days overdue that Stripe holds, synced into the ledger: its reminder is due today.</summary>
    private async Task<System.Text.Json.Nodes.JsonObject> StripeInvoiceSyncedAsync()
    {
        var invoice = _stripe.Invoice("NW-1", 120_000, createdAt: _h.Clock.GetUtcNow().ToUnixTimeSeconds() - 40 * 86_400);
        await _h.Get<StripeSource>().SyncAsync("test");
        return invoice;
    }

    [Fact]
    public async Task A_payment_in_Stripe_between_the_plan_and_the_send_means_no_email_goes_and_the_channel_is_told()
    {
        var invoice = await StripeInvoiceSyncedAsync();
        await _h.Runner.RunAsync(); // the morning's plan: a reminder, emailed at the next allowed hour
        Assert.Equal(1, await _h.QueryAsync(db => db.Outbox.CountAsync(m => m.Kind == OutboxKinds.Email)));

        _stripe.Change(invoice, "invoice.paid", i => (i["amount_paid"], i["status"]) = (120_000, "paid")); // no webhook, no sync yet
        _h.Clock.Advance(TimeSpan.FromMinutes(5));
        await _h.Drainer.DrainAsync();

        Assert.Empty(EmailsSent());
        Assert.Contains(_stripe.Calls, c => c == $"/v1/invoices/{invoice["id"]}"); // read again at the moment of sending
        var row = await EmailRowAsync();
        Assert.Equal("withdrawn before it was sent: NW-1 was paid in full on 23 Nov 2026", row.LastError);
        Assert.NotNull(row.DeadLetteredAt);
        Assert.Contains("Not sent, because NW-1 was paid in full on 23 Nov 2026. Nothing went to the client; the chase goes on from what is owed now.",
            (await ReminderAsync()).Lines);
        Assert.DoesNotContain((await ReminderAsync()).Lines, l => l.StartsWith(Core.Chasing.ChaseMessages.WillEmail, StringComparison.Ordinal));
        Assert.Equal(InvoiceStatus.Paid, await _h.QueryAsync(db => db.Invoices.Select(i => i.Status).SingleAsync()));
        Assert.Equal(1, await _h.QueryAsync(db => db.AuditEntries.CountAsync(a => a.Action == "email.withdrawn")));
    }

    [Fact]
    public async Task A_payment_logged_in_chat_before_the_send_withdraws_the_email_too()
    {
        var kauri = await _h.ClientAsync("Kauri Digital Ltd");
        await _h.InvoiceAsync(kauri, "INV-0101", daysLate: 10);
        await _h.Runner.RunAsync();

        _h.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.StartsWith("Logged", await _h.SayAsync("paid INV-0101 400", "alice")); // part of it: the email's figures are no longer true
        _h.Clock.Advance(TimeSpan.FromMinutes(2));
        await _h.Drainer.DrainAsync();

        Assert.Empty(EmailsSent());
        Assert.Equal("withdrawn before it was sent: INV-0101 changed in the books since it was written (due now USD 600.00)", (await EmailRowAsync()).LastError);
    }

    [Fact]
    public async Task A_promise_recorded_before_the_send_withdraws_the_email()
    {
        var kauri = await _h.ClientAsync("Kauri Digital Ltd");
        await _h.InvoiceAsync(kauri, "INV-0101", daysLate: 10);
        await _h.Runner.RunAsync();

        Assert.StartsWith("Promise recorded", await _h.SayAsync("promise INV-0101 2026-11-30", "alice"));
        await _h.Drainer.DrainAsync();

        Assert.Empty(EmailsSent());
        Assert.Equal("withdrawn before it was sent: Kauri Digital Ltd promised to pay INV-0101 by 30 Nov 2026", (await EmailRowAsync()).LastError);
    }

    [Fact]
    public async Task A_proposal_whose_invoice_Stripe_shows_paid_is_withdrawn_before_its_card_asks_anyone()
    {
        var invoice = _stripe.Invoice("NW-9", 300_000, createdAt: _h.Clock.GetUtcNow().ToUnixTimeSeconds() - 70 * 86_400);
        await _h.Get<StripeSource>().SyncAsync("test");
        await _h.Runner.RunAsync();
        var proposal = await _h.QueryAsync(db => db.Proposals.SingleAsync());
        Assert.Equal(ProposalStatus.Pending, proposal.Status);

        _stripe.Change(invoice, "invoice.paid", i => (i["amount_paid"], i["status"]) = (300_000, "paid"));
        await _h.Drainer.DrainAsync();

        Assert.Equal(ProposalStatus.Withdrawn, (await _h.QueryAsync(db => db.Proposals.SingleAsync())).Status);
        var card = Assert.Single(_h.Platform.Sent, s => s.Message.Kind == OutboxKinds.Proposal).Content;
        Assert.Empty(card.Actions); // nothing left to decide
        Assert.Contains(card.Lines, l => l.StartsWith("Withdrawn: ", StringComparison.Ordinal) && l.Contains("because NW-9 was paid in full on 23 Nov 2026. Nothing was sent."));
    }

    [Fact]
    public async Task A_Stripe_that_cannot_be_read_holds_the_email_until_it_can_and_then_it_goes()
    {
        await StripeInvoiceSyncedAsync();
        await _h.Runner.RunAsync();
        _stripe.FailNext(500, 500, 500); // the read before sending, and its two retries

        await _h.Drainer.DrainAsync();

        Assert.Empty(EmailsSent());
        var held = await EmailRowAsync();
        Assert.Equal("held: Stripe could not be read to check NW-1 before sending; tried again at the next sync", held.LastError);
        Assert.Equal(_h.Clock.GetUtcNow().UtcDateTime.AddMinutes(15), held.NextAttemptAt);
        Assert.Null(held.DeadLetteredAt);
        Assert.Contains((await ReminderAsync()).Lines, l => l.StartsWith("Held, not sent yet: Stripe could not be read", StringComparison.Ordinal));

        _h.Clock.Advance(TimeSpan.FromMinutes(15));
        await _h.Drainer.DrainAsync();

        var sent = Assert.Single(EmailsSent());
        Assert.Equal("ap@northwind.example", sent.Email!.To);
        Assert.Contains((await ReminderAsync()).Lines, l => l.StartsWith("Sent to ap@northwind.example", StringComparison.Ordinal));
        Assert.DoesNotContain((await ReminderAsync()).Lines, l => l.StartsWith("Held", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Books_not_synced_for_longer_than_MaxStaleness_hold_their_invoices_in_the_plan_and_the_run()
    {
        await StripeInvoiceSyncedAsync();
        _h.Clock.Advance(TimeSpan.FromHours(27));
        _stripe.FailNext(500, 500, 500); // the sync, and its two retries
        Assert.NotNull((await _h.Get<Core.Sources.ConnectedSources>().SyncAsync("test", null, CancellationToken.None))[0].Problem);

        var plan = await _h.Runner.PlanAsync();
        var held = Assert.Single(plan, e => e.Invoices.Contains("NW-1"));
        Assert.Equal("skip", held.Kind);
        Assert.Equal("held until Stripe is synced again (last synced 27 hours ago; Stripe answered 500; the next sync tries again)", held.Reason);
        await _h.Runner.RunAsync();
        Assert.Equal(0, await _h.QueryAsync(db => db.Outbox.CountAsync(m => m.Kind == OutboxKinds.Reminder)));

        await _h.Get<StripeSource>().SyncAsync("test"); // Stripe answers again
        await _h.Runner.RunAsync();
        Assert.Equal(1, await _h.QueryAsync(db => db.Outbox.CountAsync(m => m.Kind == OutboxKinds.Reminder)));
    }

    [Fact]
    public async Task A_webhook_payment_withdraws_the_waiting_proposal_at_once_as_a_payment_logged_in_chat_does()
    {
        var invoice = _stripe.Invoice("NW-9", 300_000, createdAt: _h.Clock.GetUtcNow().ToUnixTimeSeconds() - 70 * 86_400);
        await _h.Get<StripeSource>().SyncAsync("test");
        await _h.Runner.RunAsync();
        await _h.Drainer.DrainAsync(); // the card is posted, waiting for a decision

        var body = _stripe.Change(invoice, "invoice.paid", i => (i["amount_paid"], i["status"]) = (300_000, "paid")).ToJsonString();
        var at = _h.Clock.GetUtcNow().ToUnixTimeSeconds();
        var signature = $"t={at},v1={Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData("whsec_gate"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes($"{at}.{body}")))}";
        Assert.Equal(200, (await _h.Get<StripeWebhook>().HandleAsync(body, signature, CancellationToken.None)).Status);

        var proposal = await _h.QueryAsync(db => db.Proposals.SingleAsync());
        Assert.Equal((ProposalStatus.Withdrawn, "NW-9 was paid in full on 23 Nov 2026"), (proposal.Status, proposal.Reason));
        var update = await _h.QueryAsync(db => db.Outbox.SingleAsync(m => m.Kind == OutboxKinds.CardUpdate && m.Replaces != null));
        Assert.Contains(ChatMessage.FromJson(update.Body).Lines, l => l.StartsWith("Withdrawn: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invoice_still_owed_as_written_is_emailed_after_its_check()
    {
        var invoice = await StripeInvoiceSyncedAsync();
        await _h.Runner.RunAsync();
        await _h.Drainer.DrainAsync();

        Assert.Single(EmailsSent());
        Assert.Contains(_stripe.Calls, c => c == $"/v1/invoices/{invoice["id"]}");
        Assert.Null((await EmailRowAsync()).LastError);
    }
}
