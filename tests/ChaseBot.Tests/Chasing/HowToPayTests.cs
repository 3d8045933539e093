using ChaseBot.Core.Commands;
using ChaseBot.Core;
using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Email;
using ChaseBot.Core.Exports;
using ChaseBot.Core.Payments;
using ChaseBot.Core.Teams;
using ChaseBot.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChaseBot.Tests.Chasing;

/// <summary>
/// Every message to a client says how to pay: the configured instructions (per currency where they differ) and the
/// invoice's own payment link where its export carries one. Read from what a real SMTP server received.
/// </summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class HowToPayTests : IAsyncLifetime
{
    private TestMailServer _mail = null!;
    private ChaseHarness _h = null!;

    private const string Bank = "Bank transfer to Harbour Light Studio Ltd, sort code 20-00-00, account 12345678. Please quote the invoice number.";
    private const string Sepa = "SEPA transfer to IBAN DE89 3704 0044 0532 0130 00 (BIC COBADEFFXXX).";

    public async Task InitializeAsync()
    {
        _mail = await TestMailServer.StartAsync();
        _h = new ChaseHarness(configure: o => o.DefaultOwner = "U0OWNER");
    }

    public async Task DisposeAsync()
    {
        _h.Dispose();
        await _mail.DisposeAsync();
    }

    private IOptions<EmailOptions> Email() => Options.Create(new EmailOptions
    {
        Host = "127.0.0.1", Port = _mail.Port, Security = "none", From = "accounts@studio.example", SendReminders = true, SendNotices = true,
    });

    private (ChaseRunner Runner, ProposalDecisions Decisions, OutboxDrainer Drainer) Wired(PaymentOptions payment)
    {
        var settings = new ChaseSettings(Options.Create(_h.Options), Options.Create(payment));
        return (new ChaseRunner(_h.Db.Factory, settings, _h.Clock, email: Email()),
            new ProposalDecisions(_h.Db.Factory, settings, _h.Clock, Email()),
            new OutboxDrainer(_h.Db.Factory, new ChatRouter(_h.Platform, null, new EmailPlatform(Email(), NullLogger<EmailPlatform>.Instance)), _h.Clock));
    }

    private static PaymentOptions Instructions() => new()
    {
        Instructions = Bank,
        InstructionsByCurrency = new(StringComparer.OrdinalIgnoreCase) { ["EUR"] = Sepa },
    };

    [Fact]
    public async Task A_reminder_email_says_how_to_pay_in_the_invoices_currency_and_gives_each_invoices_own_link()
    {
        var berlin = await _h.ClientAsync("Berlin Bikes GmbH");
        await _h.InvoiceAsync(berlin, "A-3", 15, 1200m, i => (i.Currency, i.PaymentLink) = ("EUR", "https://invoice.stripe.com/i/acct_1/test_A3"));
        await _h.InvoiceAsync(berlin, "A-6", 15, 450m, i => i.Currency = "EUR");
        var (runner, _, drainer) = Wired(Instructions());

        await runner.RunAsync();
        await drainer.DrainAsync();

        var body = Assert.Single(_mail.Received).Message.TextBody!.Replace("\r\n", "\n");
        Assert.Contains("How to pay:\n  • Pay invoice A-3 online: https://invoice.stripe.com/i/acct_1/test_A3\n  " + Sepa + "\n\nKind regards,", body);
        Assert.DoesNotContain("sort code", body); // the EUR instructions replace the general ones
        Assert.DoesNotContain("Pay invoice A-6 online", body); // no link was exported for it: none is made up
    }

    [Fact]
    public async Task Instructions_that_differ_by_currency_are_each_said_for_their_currency()
    {
        var client = await _h.ClientAsync("Tui Print & Design");
        await _h.InvoiceAsync(client, "INV-1", 15, 650m, i => i.Currency = "GBP");
        await _h.InvoiceAsync(client, "INV-2", 15, 300m, i => i.Currency = "EUR");
        var (runner, _, drainer) = Wired(Instructions());

        await runner.RunAsync();
        await drainer.DrainAsync();

        var body = Assert.Single(_mail.Received).Message.TextBody!.Replace("\r\n", "\n");
        Assert.Contains($"How to pay:\n  For EUR: {Sepa}\n  For GBP: {Bank}\n", body);
    }

    [Fact]
    public async Task An_approved_notice_emailed_to_the_client_says_how_to_pay()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Kauri Digital Ltd"), "INV-0101", 25, 4600m, i => i.Currency = "NZD");
        var (runner, decisions, drainer) = Wired(Instructions());
        await runner.RunAsync();
        await drainer.DrainAsync();

        var id = await _h.QueryAsync(db => db.Proposals.Select(p => p.Id).SingleAsync());
        Assert.True((await decisions.DecideAsync(id, new Actor("slack", "alice"), Verdict.Approve)).Accepted);
        await drainer.DrainAsync();

        var notice = Assert.Single(_mail.Received, m => m.Message.Subject?.StartsWith("Formal notice", StringComparison.Ordinal) == true).Message;
        Assert.Contains($"How to pay:\n  {Bank}\n\nYours sincerely,", notice.TextBody!.Replace("\r\n", "\n"));
    }

    [Fact]
    public async Task Without_instructions_or_a_link_no_way_to_pay_is_invented_and_start_up_says_so()
    {
        await _h.InvoiceAsync(await _h.ClientAsync("Oakleaf Bakery"), "0031", 15, 1350m);
        var (runner, _, drainer) = Wired(new PaymentOptions());

        await runner.RunAsync();
        await drainer.DrainAsync();

        Assert.DoesNotContain("How to pay", Assert.Single(_mail.Received).Message.TextBody);
        var settings = new ChaseSettings(Options.Create(_h.Options), Options.Create(new PaymentOptions()));
        Assert.Equal(PaymentOptions.MissingWarning, settings.PaymentWarning(Email().Value));
        Assert.Null(new ChaseSettings(Options.Create(_h.Options), Options.Create(Instructions())).PaymentWarning(Email().Value));
        Assert.Null(settings.PaymentWarning(new EmailOptions())); // no email: the person sending the draft adds it
    }

    [Fact]
    public void Bad_per_currency_instructions_are_refused_at_start()
    {
        var result = new PaymentOptionsValidator().Validate(null, new PaymentOptions
        {
            InstructionsByCurrency = new() { ["Euro"] = "x", ["GBP"] = new string('x', 2001) },
        });
        Assert.True(result.Failed);
        Assert.Contains("Payment:InstructionsByCurrency:Euro must be a three-letter currency code", result.FailureMessage);
        Assert.Contains("Payment:InstructionsByCurrency:GBP must be at most 2000 characters", result.FailureMessage);
    }
}

/// <summary>The payment link an export carries reaches the ledger only when it is a plain web address.</summary>
[Trait(BothProviders.Trait, BothProviders.Value)]
public sealed class PaymentLinkImportTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = Clocks.At("2026-11-21T09:00:00Z");

    public void Dispose() => _db.Dispose();

    private const string StripeHeader = "id,Number,Customer Name,Customer Email,Status,Currency,Amount Due,Amount Paid,Amount Remaining,Total,Date (UTC),Due Date (UTC),Hosted Invoice URL";

    private static string Row(string number, string link, string status = "open", decimal paid = 0) =>
        $"in_{number},{number},Northwind Analytics,ap@northwind.example,{status},usd,2400.00,{paid:0.00},{2400 - paid:0.00},2400.00,2026-09-30 14:02:11,2026-10-30 14:02:11,{link}";

    [Fact]
    public async Task A_stripe_hosted_invoice_url_becomes_the_invoices_payment_link_and_anything_else_is_dropped()
    {
        var path = _db.WriteFile("stripe.csv", string.Join('\n', StripeHeader,
            Row("S-1", "https://invoice.stripe.com/i/acct_1/live_S1"),
            Row("S-2", "javascript:alert(1)"),
            Row("S-3", "\"https://pay.example/x y\""),
            Row("S-4", "")) + "\n");

        var summary = await _db.Importer(_clock).ImportFileAsync(path, new ImportSettings());

        Assert.Equal(4, summary.Created);
        await using var db = _db.Open();
        var links = await db.Invoices.OrderBy(i => i.Number).Select(i => i.PaymentLink).ToListAsync();
        Assert.Equal(["https://invoice.stripe.com/i/acct_1/live_S1", null, null, null], links);
    }

    [Fact]
    public async Task A_new_link_in_a_later_export_replaces_the_old_one()
    {
        await _db.Importer(_clock).ImportFileAsync(_db.WriteFile("a.csv", StripeHeader + "\n" + Row("S-1", "https://pay.example/old") + "\n"), new ImportSettings());
        var next = await _db.Importer(_clock).ImportFileAsync(_db.WriteFile("b.csv", StripeHeader + "\n" + Row("S-1", "https://pay.example/new") + "\n"), new ImportSettings());

        Assert.Equal(1, next.Updated);
        await using var db = _db.Open();
        Assert.Equal("https://pay.example/new", (await db.Invoices.SingleAsync()).PaymentLink);
    }

    [Fact]
    public async Task A_generic_export_maps_its_payment_link_column()
    {
        var generic = Core.Exports.Formats.GenericCsvExport.FromOptions(new GenericCsvOptions
        {
            Columns = new() { ["Number"] = "Ref", ["Client"] = "Customer", ["DueDate"] = "Due", ["Total"] = "Amount", ["PaymentLink"] = "Pay here" },
        })!;
        var path = _db.WriteFile("generic.csv", "Ref,Customer,Due,Amount,Pay here\nG-1,Oakleaf Bakery,2026-10-30,100.00,https://pay.example/G-1\n");

        var summary = await _db.Importer(_clock).ImportFileAsync(path, new ImportSettings { GenericFormat = generic, DefaultCurrency = "GBP" });

        Assert.Equal(1, summary.Created);
        await using var db = _db.Open();
        Assert.Equal("https://pay.example/G-1", (await db.Invoices.SingleAsync()).PaymentLink);
    }
}
