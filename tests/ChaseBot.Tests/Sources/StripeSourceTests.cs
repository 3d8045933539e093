using ChaseBot.Core.Ledger;
using ChaseBot.Core.Sources;
using ChaseBot.Core.Sources.Stripe;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChaseBot.Tests.Sources;

/// <summary>
/// Stripe synced from a fake of its API on 127.0.0.1 (<see cref="FakeStripe"/>): a first list of every invoice, then
/// the events since, with payments, partial payments, credit notes, voids, deleted drafts and two currencies; past
/// the 30 days Stripe keeps events, a full list again; a sync cut short written again whole, never twice.
/// </summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class StripeSourceTests : IAsyncLifetime
{
    private readonly TestDatabase _db = new();
    private readonly FakeTimeProvider _clock = Clocks.At("2026-11-23T10:00:00Z");
    private FakeStripe _stripe = null!;
    private StripeSource _source = null!;

    public async Task InitializeAsync()
    {
        _stripe = await FakeStripe.StartAsync(_clock);
        _source = Source(_stripe.BaseUrl, FakeStripe.Key);
    }

    public async Task DisposeAsync()
    {
        await _stripe.DisposeAsync();
        _db.Dispose();
    }

    private StripeSource Source(string baseUrl, string key) => new(
        Options.Create(new SourcesOptions { Stripe = new StripeSourceOptions { ApiKey = key, ApiBaseUrl = baseUrl } }),
        new LedgerSync(_db.Factory, _clock, TimeZoneInfo.Utc), _clock, NullLogger<StripeSource>.Instance);

    private async Task<Dictionary<string, Invoice>> LedgerAsync()
    {
        await using var db = _db.Open();
        return await db.Invoices.Include(i => i.Client).ToDictionaryAsync(i => i.Number);
    }

    [Fact]
    public async Task The_first_sync_lists_every_invoice_page_by_page_as_the_export_would_read_it()
    {
        for (var n = 1; n <= 230; n++)
            _stripe.Invoice($"NW-{n:D4}", 100_000 + n);
        _stripe.Invoice("NW-PAID", 50_000, paid: 50_000, status: "paid");
        _stripe.Invoice("NW-VOID", 20_000, status: "void");
        _stripe.Invoice("NW-UNCOL", 30_000, status: "uncollectible");
        _stripe.Invoice("NW-PART", 80_000, paid: 30_000);
        _stripe.Invoice("TK-1", 150_000, currency: "jpy", customer: "Tokyo Kōbō KK", email: "keiri@kobo.example");
        _stripe.Invoice("AUTO-1", 9_900, dueInDays: -1); // charged automatically: no due date

        var summary = await _source.SyncAsync("test");

        Assert.Equal((ImportOutcome.Imported, 236, 0), (summary.Outcome, summary.Created, summary.RejectedCount));
        Assert.Equal(3, _stripe.Calls.Count(c => c.StartsWith("/v1/invoices?", StringComparison.Ordinal))); // 100 a page
        var ledger = await LedgerAsync();
        Assert.Equal((InvoiceStatus.Open, 1000.01m, "https://invoice.stripe.example/i/in_000001"),
            (ledger["NW-0001"].Status, ledger["NW-0001"].Total, ledger["NW-0001"].PaymentLink));
        Assert.Equal(InvoiceStatus.Paid, ledger["NW-PAID"].Status);
        Assert.Equal(InvoiceStatus.Void, ledger["NW-VOID"].Status);
        Assert.Equal(InvoiceStatus.Open, ledger["NW-UNCOL"].Status); // uncollectible in Stripe, still owed
        Assert.Equal((InvoiceStatus.PartiallyPaid, 500m), (ledger["NW-PART"].Status, ledger["NW-PART"].AmountDue));
        Assert.Equal(("JPY", 150_000m, "Tokyo Kōbō KK", "keiri@kobo.example"),
            (ledger["TK-1"].Currency, ledger["TK-1"].Total, ledger["TK-1"].Client.Name, ledger["TK-1"].Client.BillingEmail));
        Assert.Equal(ledger["AUTO-1"].IssueDate, ledger["AUTO-1"].DueDate);
        await using var db = _db.Open();
        Assert.Equal(FactsMode.Snapshot, (await db.ImportRuns.SingleAsync()).Mode);
    }

    [Fact]
    public async Task Later_syncs_read_the_events_since_the_last_and_touch_nothing_else()
    {
        var paid = _stripe.Invoice("NW-1", 100_000);
        var partial = _stripe.Invoice("NW-2", 100_000);
        var credited = _stripe.Invoice("NW-3", 100_000);
        var voided = _stripe.Invoice("NW-4", 100_000);
        var draft = _stripe.Invoice("NW-5", 100_000, status: "draft");
        var quiet = _stripe.Invoice("NW-6", 100_000);
        await _source.SyncAsync("test");

        _clock.Advance(TimeSpan.FromHours(2));
        _stripe.Change(paid, "invoice.paid", i => (i["amount_paid"], i["status"]) = (100_000, "paid"));
        _stripe.Change(partial, "invoice.updated", i => i["amount_paid"] = 40_000);
        _stripe.CreditNote(credited, 25_000);
        _stripe.Change(voided, "invoice.voided", i => i["status"] = "void");
        _stripe.Delete(draft);
        _stripe.Invoice("NW-7", 70_000); // created: listed by the next full list, not by events of other types
        var summary = await _source.SyncAsync("test");

        Assert.Equal((0, 4, 0), (summary.Created, summary.Updated, summary.FlaggedMissing));
        var ledger = await LedgerAsync();
        Assert.Equal(InvoiceStatus.Paid, ledger["NW-1"].Status);
        Assert.Equal((InvoiceStatus.PartiallyPaid, 600m), (ledger["NW-2"].Status, ledger["NW-2"].AmountDue));
        Assert.Equal(750m, ledger["NW-3"].AmountDue);
        Assert.Equal(InvoiceStatus.Void, ledger["NW-4"].Status);
        Assert.Equal(InvoiceStatus.Open, ledger["NW-6"].Status);
        Assert.Null(ledger["NW-6"].MissingSince);
        Assert.Equal(InvoiceStatus.Draft, ledger[draft["id"]!.GetValue<string>()].Status); // a draft has no number: its id
        await using var db = _db.Open();
        Assert.Equal(FactsMode.Changes, (await db.ImportRuns.OrderBy(r => r.Id).LastAsync()).Mode);

        // The next sync starts where this one got to: the same events are not the news again.
        _clock.Advance(TimeSpan.FromHours(1));
        var next = await _source.SyncAsync("test");
        Assert.Equal((0, 0), (next.Created, next.Updated));
    }

    [Fact]
    public async Task Past_the_30_days_Stripe_keeps_events_every_invoice_is_listed_again_and_what_is_gone_flagged()
    {
        var kept = _stripe.Invoice("NW-1", 100_000);
        var gone = _stripe.Invoice("NW-2", 100_000);
        await _source.SyncAsync("test");

        _clock.Advance(TimeSpan.FromDays(31));
        _stripe.Change(kept, "invoice.paid", i => (i["amount_paid"], i["status"]) = (100_000, "paid"));
        _stripe.Delete(gone); // its event is listed, but a full list is what this sync reads
        var summary = await _source.SyncAsync("test");

        Assert.Equal(1, summary.FlaggedMissing);
        Assert.Equal(2, _stripe.Calls.Count(c => c.StartsWith("/v1/invoices?", StringComparison.Ordinal))); // the first list, and this one
        Assert.DoesNotContain(_stripe.Calls, c => c.StartsWith("/v1/events", StringComparison.Ordinal));
        var ledger = await LedgerAsync();
        Assert.Equal(InvoiceStatus.Paid, ledger["NW-1"].Status);
        Assert.NotNull(ledger["NW-2"].MissingSince);
    }

    [Fact]
    public async Task A_sync_cut_short_writes_nothing_and_the_next_one_writes_it_whole_once()
    {
        for (var n = 1; n <= 150; n++)
            _stripe.Invoice($"NW-{n:D3}", 10_000);
        _stripe.FailNext(0, 500, 500, 500); // the first page is read; the second fails, and Stripe.net's two retries with it

        await Assert.ThrowsAnyAsync<Stripe.StripeException>(() => _source.SyncAsync("test"));
        Assert.Empty(await LedgerAsync());

        var summary = await _source.SyncAsync("test");
        Assert.Equal(150, summary.Created);
        Assert.Equal(150, (await LedgerAsync()).Count);
        await using var db = _db.Open();
        Assert.Equal(1, await db.ImportRuns.CountAsync(r => r.Outcome == ImportOutcome.Imported));
    }

    [Fact]
    public async Task Told_to_slow_down_once_the_sync_waits_and_carries_on()
    {
        _stripe.Invoice("NW-1", 10_000);
        _stripe.FailNext(429); // Stripe's rate limit: the request is retried after a pause (Stripe.net's backoff)

        var summary = await _source.SyncAsync("test");

        Assert.Equal(1, summary.Created);
        Assert.Equal(2, _stripe.Calls.Count(c => c.StartsWith("/v1/invoices?", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_wrong_key_is_refused_by_Stripe_and_the_message_never_shows_the_key()
    {
        var source = Source(_stripe.BaseUrl, "rk_test_wrong_secret_value");

        var error = await Assert.ThrowsAnyAsync<Stripe.StripeException>(() => source.SyncAsync("test"));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.HttpStatusCode);
        Assert.DoesNotContain("rk_test_wrong_secret_value", error.Message);
    }
}
