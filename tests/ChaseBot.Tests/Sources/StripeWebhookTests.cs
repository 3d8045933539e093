using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ChaseBot.Core.Ledger;
using ChaseBot.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ChaseBot.Tests.Sources;

/// <summary>
/// The Bot's <c>POST /webhooks/stripe</c>, signed as Stripe documents it (HMAC-SHA256 of "{t}.{body}", hex, in
/// <c>Stripe-Signature: t=…,v1=…</c>), against the fake Stripe: a valid event updates its invoice from Stripe's state
/// now; a tampered, stale or unsigned one changes nothing; a replay changes nothing more.
/// </summary>
public sealed class StripeWebhookTests : IAsyncLifetime
{
    private const string Secret = "whsec_chasebot_test";
    private readonly TestDatabase _db = new();
    private readonly FakeTimeProvider _clock = Clocks.At("2026-11-23T10:00:00Z");
    private FakeStripe _stripe = null!;
    private WebApplicationFactory<Program> _bot = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _stripe = await FakeStripe.StartAsync(_clock);
        _bot = await BotHost.StartAsync(_db, _clock, new Dictionary<string, string?>
        {
            ["Sources:Stripe:ApiKey"] = FakeStripe.Key, ["Sources:Stripe:ApiBaseUrl"] = _stripe.BaseUrl, ["Sources:Stripe:WebhookSecret"] = Secret,
        });
        _client = _bot.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _bot.DisposeAsync();
        await _stripe.DisposeAsync();
        _db.Dispose();
    }

    private static string Sign(string body, long at, string secret = Secret) =>
        $"t={at},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{at}.{body}")))}";

    private Task<HttpResponseMessage> PostAsync(string body, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null)
            request.Headers.Add("Stripe-Signature", signature);
        return _client.SendAsync(request);
    }

    private async Task<Invoice?> InvoiceAsync(string number)
    {
        await using var db = _db.Open();
        return await db.Invoices.SingleOrDefaultAsync(i => i.Number == number);
    }

    [Fact]
    public async Task A_signed_event_updates_its_invoice_from_Stripe_and_a_replay_changes_nothing_more()
    {
        var invoice = _stripe.Invoice("NW-1", 100_000);
        var paid = _stripe.Change(invoice, "invoice.paid", i => (i["amount_paid"], i["status"]) = (100_000, "paid")).ToJsonString();
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();

        var first = await PostAsync(paid, Sign(paid, now));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(InvoiceStatus.Paid, (await InvoiceAsync("NW-1"))!.Status);

        _clock.Advance(TimeSpan.FromSeconds(30));
        var replay = await PostAsync(paid, Sign(paid, now));
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        await using var db = _db.Open();
        Assert.Equal(1, await db.Invoices.CountAsync());
        Assert.Equal(0, await db.AuditEntries.CountAsync(a => a.Action == "invoice.updated"));
    }

    [Fact]
    public async Task A_tampered_stale_or_unsigned_event_is_refused_before_it_is_read()
    {
        var invoice = _stripe.Invoice("NW-2", 100_000);
        var body = _stripe.Change(invoice, "invoice.paid", i => (i["amount_paid"], i["status"]) = (100_000, "paid")).ToJsonString();
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        var tampered = body.Replace("NW-2", "NW-9", StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(tampered, Sign(body, now))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(body, Sign(body, now, "whsec_someone_else"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(body, Sign(body, now - 301))).StatusCode); // older than 5 minutes
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(body, null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("{not json", Sign("{not json", now))).StatusCode);
        Assert.Null(await InvoiceAsync("NW-2"));
        Assert.DoesNotContain(_stripe.Calls, c => c.StartsWith("/v1/invoices/", StringComparison.Ordinal)); // nothing read for any of them
    }

    [Fact]
    public async Task An_event_about_something_else_is_acknowledged_and_a_credit_note_reads_its_invoice()
    {
        var other = new JsonObject
        {
            ["id"] = "evt_other", ["object"] = "event", ["type"] = "customer.created", ["created"] = _clock.GetUtcNow().ToUnixTimeSeconds(),
            ["data"] = new JsonObject { ["object"] = new JsonObject { ["id"] = "cus_1", ["object"] = "customer" } },
        }.ToJsonString();
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(other, Sign(other, now))).StatusCode);

        var invoice = _stripe.Invoice("NW-3", 100_000);
        var credit = _stripe.CreditNote(invoice, 40_000).ToJsonString();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(credit, Sign(credit, now))).StatusCode);
        Assert.Equal(600m, (await InvoiceAsync("NW-3"))!.AmountDue);
    }
}
